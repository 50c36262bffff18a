import { startProcess } from '@app/runtime';
import { ApiModule } from './api.module';
import { configureHttp } from './configure-http';
import { ApiHttpAdapter } from './http-adapter';

/** `npm run start:api`: the HTTP role alone; a worker process runs the projections and reminders. */
void startProcess({
  roles: ['api'],
  modules: () => [ApiModule],
  http: { adapter: () => new ApiHttpAdapter(), configure: configureHttp },
});
