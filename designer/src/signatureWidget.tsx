import type { WidgetProps } from '@rjsf/utils';
import { useEffect, useRef } from 'react';
import { t } from './i18n';

/** A handwritten signature drawn with a finger or mouse, kept as a PNG data URL. */
export function SignatureWidget({ id, value, onChange, readonly, disabled, label }: WidgetProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.clearRect(0, 0, c.width, c.height);
    if (typeof value === 'string' && value.startsWith('data:image/')) {
      const img = new Image();
      img.onload = () => ctx.drawImage(img, 0, 0);
      img.src = value;
    }
  }, []);
  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * e.currentTarget.width) / r.width, ((e.clientY - r.top) * e.currentTarget.height) / r.height] as const;
  };
  const off = readonly || disabled;
  return (
    <div className="signature">
      <canvas id={id} ref={canvas} width={600} height={200} aria-label={t('signatureWidget.signInTheBox', { label })}
        onPointerDown={(e) => {
          if (off) return;
          drawing.current = true;
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.lineWidth = 3;
          ctx.lineCap = 'round';
          ctx.beginPath();
          ctx.moveTo(...point(e));
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.lineTo(...point(e));
          ctx.stroke();
        }}
        onPointerUp={(e) => {
          if (!drawing.current) return;
          drawing.current = false;
          onChange(e.currentTarget.toDataURL('image/png'));
        }} />
      {!off && <button type="button" onClick={() => {
        const c = canvas.current;
        c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
        onChange(undefined);
      }}>{t('signatureWidget.signAgain')}</button>}
    </div>
  );
}
