import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { BackgroundJobs } from './background-jobs';

@ApiTags('admin')
@Roles('admin')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: BackgroundJobs) {}

  @Get(':id')
  @ApiOperation({ summary: 'How far a background job is: { id, kind, status, total, done, failed, errors }' })
  async get(@Param('id') id: string) {
    const view = /^[A-Za-z0-9-]{1,100}$/.test(id) ? await this.jobs.view(id) : null;
    if (!view) throw new NotFoundException({ code: 'JOB.NOT_FOUND', message: 'no such job' });
    return view;
  }
}
