import { useEffect, useState } from 'react';
import type { FileRef } from '../../../engine/index';
import { isLocal } from './localRefs';

/** A picture of the file: the server's thumbnail (320 px) opening the photo itself, or the copy still on the phone (a PDF: its name, opening it). */
export function Thumb({ value }: { value: FileRef }) {
  const full = isLocal(value) ? undefined : `/api/files/${value.id}`;
  const [src, setSrc] = useState<string | null>(full ? `${full}?size=thumb` : null);
  useEffect(() => {
    if (full) return setSrc(`${full}?size=thumb`);
    let url: string | null = null;
    // The uploader's module keeps the photos waiting on the phone; it loads only for one.
    void import('./upload').then((u) => u.waitingBlob(value.id)).then((blob) => {
      if (blob) setSrc((url = URL.createObjectURL(blob)));
    });
    return () => void (url && URL.revokeObjectURL(url));
  }, [value.id]);
  if (!value.type.startsWith('image/')) return <a href={full} target="_blank" rel="noreferrer">📄 {value.name}</a>;
  if (!src) return null;
  const img = <img className="thumb" src={src} alt={value.name} />;
  return full ? <a href={full} target="_blank" rel="noreferrer">{img}</a> : img;
}
