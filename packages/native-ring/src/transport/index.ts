export {
  RingEventPublisher,
  type RingEventPublisherOptions,
  type RingEventPublisherStats,
  RingEventReceiver,
  type RingEventReceiverOptions,
  type RingEventReceiverStats,
  type RingFullPolicy,
  RingTransport,
} from './ring-transport.js';
