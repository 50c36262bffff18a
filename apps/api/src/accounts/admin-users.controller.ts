import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountCommands, ApplicationError, DirectoryLog, RetiredCodeError, UnknownCodeError } from '@app/application';
import type { Account, Placement } from '@app/accounts';
import { listAccounts } from '@app/read-models';
import type { Actor } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ReadModels } from '../read-side/read-model.provider';
import { CreateUserDto, PasswordDto, PlacementDto, UsersQueryDto } from './accounts.dto';

function adminView(account: Account) {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    email: account.email,
    role: account.role,
    department: account.department,
    commune: account.commune,
    disabled: account.disabled,
    lastSignInAt: account.lastSignInAt,
  };
}

/** Accounts, for the administrator: every change is an event with the administrator as actor. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly accounts: AccountCommands,
    private readonly readModels: ReadModels,
    private readonly directory: DirectoryLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Accounts by role, department, or part of the username or name' })
  list(@Query() dto: UsersQueryDto) {
    return { items: listAccounts(this.readModels.connection(), dto).map(adminView) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account (with a first password, or for single sign-on only)' })
  async create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor) {
    const account = await this.accounts.create(
      {
        username: dto.username,
        name: dto.name,
        email: dto.email ?? null,
        placement: await this.placement(dto),
        password: dto.password,
      },
      actor,
    );
    return { id: account.id };
  }

  @Post(':id/role')
  @HttpCode(200)
  async role(@Param('id', ParseUUIDPipe) id: string, @Body() dto: PlacementDto, @CurrentActor() actor: Actor) {
    const placement = await this.placement(dto);
    if (placement.role !== 'admin') await this.keepAnAdministrator(id);
    return adminView(await this.accounts.changeRole(id, placement, actor));
  }

  @Post(':id/disable')
  @HttpCode(200)
  async disable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    await this.keepAnAdministrator(id);
    return adminView(await this.accounts.disable(id, actor));
  }

  /** The last enabled administrator cannot be demoted or disabled: nobody could administer after. */
  private async keepAnAdministrator(id: string): Promise<void> {
    const { account } = await this.accounts.load(id);
    if (account?.role !== 'admin' || account.disabled) return;
    const others = listAccounts(this.readModels.connection(), { role: 'admin' }).filter((a) => a.id !== id && !a.disabled);
    if (others.length === 0) {
      throw new ApplicationError('ACCOUNT.LAST_ADMIN', 'conflict', 'this is the last administrator: appoint another first');
    }
  }

  @Post(':id/enable')
  @HttpCode(200)
  async enable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return adminView(await this.accounts.enable(id, actor));
  }

  @Post(':id/password')
  @HttpCode(200)
  async password(@Param('id', ParseUUIDPipe) id: string, @Body() dto: PasswordDto, @CurrentActor() actor: Actor) {
    return adminView(await this.accounts.setPassword(id, dto.password, actor));
  }

  /** The department or commune must be one the directory knows. */
  private async placement(dto: PlacementDto): Promise<Placement> {
    const directory = await this.directory.refresh();
    if (dto.role === 'department' && dto.department && directory.isRetired('departments', dto.department)) {
      throw new RetiredCodeError(`department ${dto.department} is retired`);
    }
    if (dto.role === 'commune' && dto.commune && directory.isRetired('communes', dto.commune)) {
      throw new RetiredCodeError(`commune ${dto.commune} is retired`);
    }
    if (dto.role === 'department' && dto.department && !directory.hasDepartment(dto.department)) {
      throw new UnknownCodeError(`unknown department ${dto.department}`);
    }
    if (dto.role === 'commune' && dto.commune && !directory.hasCommune(dto.commune)) {
      throw new UnknownCodeError(`unknown commune ${dto.commune}`);
    }
    return { role: dto.role, department: dto.department ?? null, commune: dto.commune ?? null };
  }
}
