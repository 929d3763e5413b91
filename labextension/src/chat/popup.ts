/**
 * A popup of a header control (the model dropdown, the chat menu): open or closed, and
 * closed by a press outside it.
 */
import { useEffect, useRef, useState } from 'react';

export function usePopup<T extends HTMLElement>(): {
  root: React.RefObject<T>;
  open: boolean;
  show: () => void;
  close: () => void;
  toggle: () => void;
} {
  const root = useRef<T>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) {
      return;
    }
    const outside = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', outside, true);
    document.addEventListener('focusin', outside, true);
    return () => {
      document.removeEventListener('mousedown', outside, true);
      document.removeEventListener('focusin', outside, true);
    };
  }, [open]);
  return {
    root,
    open,
    show: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(value => !value)
  };
}
