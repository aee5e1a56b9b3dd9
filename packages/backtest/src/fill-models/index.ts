export {
  bestCaseFillModel,
  type FillModel,
  ProbabilisticFillModel,
  queueFillModel,
  type TouchContext,
  type TouchKind,
  VolumeParticipationFillModel,
} from './fill-model.js';
