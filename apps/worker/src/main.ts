import { bootstrap } from '../../server/src/bootstrap';

void bootstrap(['worker']);
