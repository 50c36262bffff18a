import { Body, Controller, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DirectoryLog, InvalidInputError } from '@app/application';
import { DIRECTORY_KINDS, type DirectoryKind } from '@app/accounts';
import type { Actor } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { BackgroundJobs } from '../jobs/background-jobs';
import { AddEntryDto, ContactDto, MergeDto, RenameEntryDto, RetireEntryDto } from './directory.dto';
import { randomUUID } from 'node:crypto';

const kindPipe = new ParseEnumPipe(Object.fromEntries(DIRECTORY_KINDS.map((k) => [k, k])), {
  exceptionFactory: () => new InvalidInputError('DIRECTORY.KIND', `the kind is one of ${DIRECTORY_KINDS.join(', ')}`),
});

/** The directory, changed only here, each change an event of the log with the administrator as actor. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/directory')
export class AdminDirectoryController {
  constructor(
    private readonly directory: DirectoryLog,
    private readonly jobs: BackgroundJobs,
  ) {}

  @Post(':kind')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a commune or ward, a department, a working group or a category' })
  add(@Param('kind', kindPipe) kind: DirectoryKind, @Body() dto: AddEntryDto, @CurrentActor() actor: Actor) {
    return this.directory.execute({ type: 'AddEntry', kind, entry: entryOf(kind, dto) }, actor);
  }

  @Post(':kind/:code/rename')
  @HttpCode(200)
  rename(
    @Param('kind', kindPipe) kind: DirectoryKind,
    @Param('code') code: string,
    @Body() dto: RenameEntryDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.directory.execute({ type: 'RenameEntry', kind, code, name: dto.name, nameEn: dto.nameEn ?? null }, actor);
  }

  @Post(':kind/:code/retire')
  @HttpCode(200)
  retire(
    @Param('kind', kindPipe) kind: DirectoryKind,
    @Param('code') code: string,
    @Body() dto: RetireEntryDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.directory.execute({ type: 'RetireEntry', kind, code, reason: dto.reason ?? null }, actor);
  }

  /**
   * Retires the department and moves each of its open assignments to `into`, one event per item
   * citing the merger, in a background job: 202 with the job's id (GET /jobs/:id).
   */
  @Post('departments/:code/merge-into')
  @HttpCode(202)
  @ApiOperation({ summary: 'Merge a department into another: retire it, move its open assignments (a job)' })
  async merge(@Param('code') code: string, @Body() dto: MergeDto, @CurrentActor() actor: Actor) {
    const mergerId = `merger-${randomUUID()}`;
    const recorded = await this.directory.execute(
      { type: 'MergeDepartment', code, into: dto.into, reason: dto.reason, mergerId },
      actor,
    );
    // Recorded first: if the queue is away now, the worker queues the job from the log at its next start.
    await this.jobs
      .queueMerger({ mergerId, from: code, into: dto.into, reason: dto.reason, position: recorded.position })
      .catch(() => undefined);
    return { jobId: mergerId };
  }

  @Post('departments/:code/contact')
  @HttpCode(200)
  contact(@Param('code') code: string, @Body() dto: ContactDto, @CurrentActor() actor: Actor) {
    return this.directory.execute(
      { type: 'ChangeDepartmentContact', code, email: dto.email ?? null, webhookUrl: dto.webhookUrl ?? null },
      actor,
    );
  }
}

function entryOf(kind: DirectoryKind, dto: AddEntryDto) {
  const nameEn = dto.nameEn ?? null;
  switch (kind) {
    case 'communes':
      return {
        code: dto.code,
        name: dto.name,
        nameEn,
        kind: dto.kind ?? 'commune',
        ...(dto.workingGroup ? { workingGroup: dto.workingGroup } : {}),
      };
    case 'departments':
      return { code: dto.code, name: dto.name, nameEn, email: dto.email ?? null, webhookUrl: dto.webhookUrl ?? null };
    case 'working-groups': {
      const number = Number(dto.code);
      if (!Number.isInteger(number) || number < 1)
        throw new InvalidInputError('DIRECTORY.CODE', "a working group's code is its number");
      return { number, leader: dto.name, leaderEn: nameEn, communes: dto.communes ?? [] };
    }
    case 'categories':
      return { code: dto.code, name: dto.name, nameEn };
  }
}
