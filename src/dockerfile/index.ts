export {
  chainOf,
  findInstructionForHistory,
  mapHistoryToInstructions,
  parseDockerfile,
  type DockerfileModel,
  type ExternalReference,
  type Instruction,
  type ParseOptions,
  type Pragma,
  type ReferenceKind,
  type ResolvedReference,
  type RunInstruction,
  type Stage,
  type UnresolvedVariable,
  type UserInstruction,
  type VariableDefinition,
} from './parse.js';
export { readDockerfile } from './read.js';
export { definitionOf, finalFrom, finalUser, isSilenced, type FinalUser } from './queries.js';
export { dockerfileFindings, type DockerfileRuleOptions } from './rules/index.js';
export { DockerfileError, LIMITS } from './limits.js';
export { firstBuildKitFeature, type BuildKitFeature } from './buildkit-features.js';
