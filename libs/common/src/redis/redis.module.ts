import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';

/** DI token for the shared ioredis client used for health and locks (BullMQ opens its own). */
export const REDIS = Symbol('REDIS');

/**
 * The service must keep taking commands when Redis is down (the event store is the source of
 * truth), so this client fails fast instead of queueing commands while offline.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const redis = createRedis(config.REDIS_URL);
        // Errors are reported by /health; without a listener ioredis would print each retry.
        redis.on('error', () => undefined);
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/** `up` when Redis answers PING within the timeout. */
export async function redisStatus(redis: Redis, timeoutMs = 1000): Promise<'up' | 'down'> {
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return pong === 'PONG' ? 'up' : 'down';
  } catch {
    return 'down';
  }
}
