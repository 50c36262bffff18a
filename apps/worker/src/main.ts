import { startProcess } from '@app/runtime';
import { WorkerModule } from './worker.module';

/** `npm run start:worker`: projections, reminders and checkpoints, without HTTP. */
void startProcess({
  roles: ['worker'],
  modules: (config) => [WorkerModule.forRoot({ reminders: config.REMINDERS === 'on' })],
});
