/**
 * Streaming a chat reply from `POST chat/completions` (server-sent events over fetch).
 */
import { FrameBatcher } from '../frames';
import { requestRaw } from '../request';
import { IChatMessage, IStreamStats } from '../tokens';

export interface IStreamHandlers {
  /** New text: the deltas of one animation frame together. */
  onText: (text: string) => void;
  onFinish?: (reason: string) => void;
  onStats?: (stats: IStreamStats) => void;
}

/** A failure after the reply had started; `partialText` is what had arrived. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly partialText: string
  ) {
    super(message);
  }
}

/** Read server-sent events from a response, calling `onEvent` for each. */
export async function readEvents(
  response: Response,
  onEvent: (event: string, data: any) => void
): Promise<void> {
  if (!response.body) {
    throw new Error('This browser cannot read streamed replies.');
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    // Events end with a blank line; keep an incomplete one for the next chunk.
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const [event, data] = parseBlock(buffer.slice(0, end));
      onEvent(event, data);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

function parseBlock(block: string): [string, any] {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) {
      event = line.slice(7);
    } else if (line.startsWith('data: ')) {
      data += line.slice(6);
    }
  }
  return [event, data ? JSON.parse(data) : {}];
}

export async function streamChat(
  body: {
    provider: string;
    model?: string;
    messages: IChatMessage[];
    max_tokens?: number;
  },
  handlers: IStreamHandlers,
  signal?: AbortSignal
): Promise<void> {
  const response = await requestRaw('chat/completions', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
  // Deltas that arrive within one frame reach `onText` as one, once a frame.
  let pending = '';
  const frames = new FrameBatcher(() => {
    const text = pending;
    pending = '';
    handlers.onText(text);
  });
  try {
    await readEvents(response, (event, payload) => {
      if (event === 'text') {
        pending += payload.text;
        frames.schedule();
      } else {
        frames.flush(); // the text comes before what follows it
        dispatch(event, payload, handlers);
      }
    });
  } finally {
    frames.flush();
  }
}

function dispatch(
  event: string,
  payload: any,
  handlers: IStreamHandlers
): void {
  switch (event) {
    case 'finish':
      handlers.onFinish?.(payload.reason);
      break;
    case 'stats':
      handlers.onStats?.(payload as IStreamStats);
      break;
    case 'error':
      throw new StreamError(payload.message, payload.partial_text ?? '');
  }
}
