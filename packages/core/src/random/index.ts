export { Rng, type RngSeed, type RngSnapshot } from './rng.js';
