import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { loadAnnouncements, WorkingCalendar } from '../calendar';
import { Directory } from '../directory/directory';

/** Default folder of the yearly calendar announcements. */
export const DEFAULT_CALENDAR_DIR = 'config/calendar';

/** The province's working-day calendar: statutory holidays plus the announcements in `dir`. */
export function provinceCalendar(dir: string = DEFAULT_CALENDAR_DIR): WorkingCalendar {
  return new WorkingCalendar({ timeZone: 'Asia/Ho_Chi_Minh', announcements: loadAnnouncements(dir) });
}

/** The directory and the working-day calendar: loaded once per process, shared by every role. */
@Global()
@Module({
  providers: [
    { provide: Directory, inject: [AppConfig], useFactory: (config: AppConfig) => Directory.load(config.DIRECTORY_FILE) },
    {
      provide: WorkingCalendar,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => provinceCalendar(config.CALENDAR_DIR ?? DEFAULT_CALENDAR_DIR),
    },
  ],
  exports: [Directory, WorkingCalendar],
})
export class ReferenceDataModule {}
