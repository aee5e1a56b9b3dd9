export { RestClient, type VenueResult } from './rest-client.js';
export type { RestResponse, RestTransport } from './rest-transport.js';
