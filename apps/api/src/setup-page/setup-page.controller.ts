import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { SETUP_HTML, SETUP_JS } from './setup-page';

/** The page the first-start link opens (`/app/setup#token=…`). */
@ApiExcludeController()
@Public()
@Controller('app')
export class SetupPageController {
  @Get('setup')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return SETUP_HTML;
  }

  @Get('setup.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return SETUP_JS;
  }
}
