export {
  FEED_DATA_KINDS,
  type FeedDataKind,
  type FeedEvent,
  type FeedEventSink,
  type FeedMarketEvent,
  type FeedSubscription,
  type MarketDataFeed,
} from './market-data-feed.js';
