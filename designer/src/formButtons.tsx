import type { IconButtonProps } from '@rjsf/utils';

/** rjsf's array buttons as plain Chinese words (its default theme expects Bootstrap glyph fonts). */
function WordButton({ word, className }: { word: string; className: string }) {
  return function Button(props: IconButtonProps) {
    const { onClick, disabled } = props;
    return <button type="button" className={`word ${className}`} onClick={onClick} disabled={disabled}>{word}</button>;
  };
}

export const buttonTemplates = {
  AddButton: WordButton({ word: '＋ 添加一项', className: 'add' }),
  RemoveButton: WordButton({ word: '删除', className: 'remove' }),
  MoveUpButton: WordButton({ word: '上移', className: 'move' }),
  MoveDownButton: WordButton({ word: '下移', className: 'move' }),
  CopyButton: WordButton({ word: '复制', className: 'copy' }),
};
