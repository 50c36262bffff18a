import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Directory } from '@app/common';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(private readonly directory: Directory) {}

  /** Communes, departments, working groups and categories that commands may name. */
  @Get()
  get() {
    return this.directory.toJSON();
  }
}
