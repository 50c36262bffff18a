import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@app/recommendations';
import { CurrentActor } from '../auth/current-actor.decorator';
import { MinPositionDto } from './min-position.dto';
import { GetSessionQuery, ListSessionsQuery } from './read-queries';
import { ListSessionsRequestDto } from './sessions.request.dto';

const SESSION_SHAPE =
  '{ id, workingGroup, date, communes, place, leader, minutesRef, counts: { raised, open, overdue, resolved } }';

/**
 * Working sessions as the read models hold them (recorded by POST /sessions). Every role that reads
 * items sees the sessions, a commune those it took part in; counts cover the items the caller may read.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class SessionQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary:
      "Working sessions, latest first, each with the counts of its items in the caller's scope (open: raised, accepted or assigned; overdue: assigned past due now)",
  })
  @ApiOkResponse({ description: `{ items: [${SESSION_SHAPE}] }` })
  list(@Query() dto: ListSessionsRequestDto, @CurrentActor() actor: Actor) {
    const { minPosition: _, ...filters } = dto;
    return this.queryBus.execute(new ListSessionsQuery(actor, filters));
  }

  @Get(':id')
  @ApiOperation({ summary: "One working session, its counts and its recommendations (list items in the caller's scope)" })
  @ApiOkResponse({ description: `${SESSION_SHAPE.slice(0, -2)}, recommendations: [list item] }` })
  @ApiNotFoundResponse({ description: 'SESSION.NOT_FOUND: no session has this id, or the caller may not see it' })
  get(@Param('id') id: string, @Query() _query: MinPositionDto, @CurrentActor() actor: Actor) {
    return this.queryBus.execute(new GetSessionQuery(actor, id));
  }
}
