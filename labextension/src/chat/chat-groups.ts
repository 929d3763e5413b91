/**
 * How the chat list reads dates: groups (pinned, today, previous 7 days, older) and a
 * short relative date ("2 h ago") with the full date for hovering.
 */
import { IChat } from './api';

export type ChatGroupName = 'Pinned' | 'Today' | 'Previous 7 days' | 'Older';

export interface IChatGroup {
  name: ChatGroupName;
  chats: IChat[];
}

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(time: Date): number {
  return new Date(
    time.getFullYear(),
    time.getMonth(),
    time.getDate()
  ).getTime();
}

/** The chats in groups (empty groups left out), keeping the server's order in each. */
export function groupChats(chats: IChat[], now = new Date()): IChatGroup[] {
  const today = startOfDay(now);
  const groups: IChatGroup[] = [
    { name: 'Pinned', chats: [] },
    { name: 'Today', chats: [] },
    { name: 'Previous 7 days', chats: [] },
    { name: 'Older', chats: [] }
  ];
  for (const chat of chats) {
    const time = new Date(chat.updated_at).getTime();
    const group = chat.pinned
      ? 0
      : time >= today
        ? 1
        : time >= today - 7 * DAY
          ? 2
          : 3;
    groups[group].chats.push(chat);
  }
  return groups.filter(group => group.chats.length > 0);
}

/** "just now", "5 min ago", "2 h ago", "3 d ago", then the date ("12 Mar", "12 Mar 2024"). */
export function relativeDate(iso: string, now = new Date()): string {
  const time = new Date(iso);
  const ago = now.getTime() - time.getTime();
  if (Number.isNaN(ago)) {
    return '';
  }
  if (ago < 60_000) {
    return 'just now';
  }
  if (ago < 60 * 60_000) {
    return `${Math.floor(ago / 60_000)} min ago`;
  }
  if (ago < DAY) {
    return `${Math.floor(ago / (60 * 60_000))} h ago`;
  }
  if (ago < 7 * DAY) {
    return `${Math.floor(ago / DAY)} d ago`;
  }
  return time.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(time.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' })
  });
}

/** The full date and time, for the tooltip. */
export function fullDate(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime())
    ? ''
    : time.toLocaleString(undefined, {
        dateStyle: 'full',
        timeStyle: 'short'
      });
}
