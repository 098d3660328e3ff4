import { silenceDependencyWarnings } from '../dependency-warnings.js';
import { runAction } from './run.js';

silenceDependencyWarnings();
void runAction();
