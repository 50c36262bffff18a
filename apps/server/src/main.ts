import { bootstrap } from './bootstrap';

void bootstrap(['api', 'worker']);
