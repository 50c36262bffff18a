import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DirectoryLog } from '@app/application';
import { EveryRole } from '../auth/auth.guard';
import { DirectoryRequestDto } from './directory.dto';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryLog) {}

  /** Communes, departments, working groups and categories that commands may name; `?asOf=` as they were then. */
  @Get()
  @EveryRole()
  async get(@Query() dto: DirectoryRequestDto) {
    if (dto.asOf) return (await this.directory.asOf(new Date(dto.asOf))).toJSON();
    return (await this.directory.refresh()).toJSON();
  }
}
