import { useState } from 'react';
import { errorText } from '../api';

/**
 * An administrator's action and what it said: `act(run)` clears both, shows what `run` answers
 * (or its error, in the server's words), then runs `after` (reading the list again).
 */
export function useAction(after: () => Promise<unknown> | void) {
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const act = async (run: () => Promise<string>) => {
    setError('');
    setNotice('');
    try {
      setNotice(await run());
      await after();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return { act, notice, error, setError };
}
