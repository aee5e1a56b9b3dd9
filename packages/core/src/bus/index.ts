export {
  BoundedQueue,
  type BoundedQueueOptions,
  type BoundedQueueStats,
  type QueuePolicy,
} from './bounded-queue.js';
export {
  type BusEvent,
  EventBus,
  type EventBusOptions,
  type EventBusStats,
  type EventOfKind,
  type SubscribeOptions,
  type Unsubscribe,
} from './event-bus.js';
export { pipeBusToQueue } from './pipe-bus-to-queue.js';
