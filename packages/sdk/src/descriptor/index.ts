export {
  type DeploymentDescriptor,
  type DeploymentDescriptorInput,
  DeploymentDescriptorSchema,
  parseDescriptor,
  parseSection,
  type StrategyEntry,
  StrategyEntrySchema,
  WalSettingsSchema,
} from './descriptor.js';
export { type LoadedDescriptor, loadDescriptor, loadStrategy, StrategyLoadError } from './load-descriptor.js';
