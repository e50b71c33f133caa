// Which of a few kinds a SUT event is, for colouring the timeline: the protocol's own events and
// the reference engine's progress events have fixed names; anything else a SUT prints is "other".

export type EventCategory = 'batch' | 'checkpoint' | 'output' | 'crash-point' | 'recovery' | 'other';

export function eventCategory(name: string): EventCategory {
  switch (name) {
    case 'batch-completed':
      return 'batch';
    case 'checkpoint-written':
    case 'data-checkpoint-written':
      return 'checkpoint';
    case 'output-committed':
      return 'output';
    case 'crash-point':
      return 'crash-point';
    case 'start':
    case 'recovery':
      return 'recovery';
    default:
      return 'other';
  }
}
