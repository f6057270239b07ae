import { useState } from 'react';
import type { Definition } from '../../../engine/index';
import ChannelsPage from './ChannelsPage';
import EditorPage from './EditorPage';
import LibraryPage from './LibraryPage';
import './author.css';

/** The authoring side (IT staff with the author role): the process library, and one process's editor. */
export default function AuthorPage({ processId }: { processId?: string }) {
  const [fresh, setFresh] = useState<{ id: string; definition: Definition } | null>(null);
  // ':' is never in a process id, so this page cannot shadow one.
  if (processId === ':channels') return <ChannelsPage />;
  if (!processId) return <LibraryPage onCreate={(id, definition) => { setFresh({ id, definition }); location.hash = `#/author/${id}`; }} />;
  return <EditorPage key={processId} id={processId} fresh={fresh?.id === processId ? fresh.definition : null} />;
}
