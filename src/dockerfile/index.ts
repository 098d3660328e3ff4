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
  type Stage,
  type UnresolvedVariable,
  type UserInstruction,
} from './parse.js';
export { dockerfileFindings, type DockerfileRuleOptions } from './rules.js';
