import { startProcess } from '@app/runtime';
import { configureHttp } from '../../api/src/configure-http';
import { ApiHttpAdapter } from '../../api/src/http-adapter';
import { roleModules } from './app.module';

/** `npm start`: the API and the worker in one process, on the embedded store by default. */
void startProcess({
  roles: ['api', 'worker'],
  modules: (config) => roleModules(['api', 'worker'], config),
  http: { adapter: () => new ApiHttpAdapter(), configure: configureHttp },
});
