import type { IconButtonProps } from '@rjsf/utils';
import { t } from './i18n';

/** rjsf's array buttons as plain Chinese words (its default theme expects Bootstrap glyph fonts). */
function WordButton({ word, className }: { word: string; className: string }) {
  return function Button(props: IconButtonProps) {
    const { onClick, disabled } = props;
    return <button type="button" className={`word ${className}`} onClick={onClick} disabled={disabled}>{word}</button>;
  };
}

export const buttonTemplates = {
  AddButton: WordButton({ word: t('formButtons.addAnItem'), className: 'add' }),
  RemoveButton: WordButton({ word: t('formButtons.delete'), className: 'remove' }),
  MoveUpButton: WordButton({ word: t('formButtons.moveUp'), className: 'move' }),
  MoveDownButton: WordButton({ word: t('formButtons.moveDown'), className: 'move' }),
  CopyButton: WordButton({ word: t('formButtons.copy'), className: 'copy' }),
};
