import { runAction } from './run.js';

void runAction();
