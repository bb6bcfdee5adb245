"""AdminServices: the admin CLI's services, built from the homeserver's own, in order."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.config import Config
from closedserver.services.account_data import AccountData
from closedserver.services.accounts import Accounts
from closedserver.services.admin.acting import ActingIdentity, Targets
from closedserver.services.admin.maintenance import DatabaseMaintenance
from closedserver.services.admin.reports import ReportReader
from closedserver.services.admin.room_export import RoomExport
from closedserver.services.admin.room_info import RoomInfo
from closedserver.services.admin.room_moderation import RoomModeration
from closedserver.services.admin.room_purge import RoomPurge
from closedserver.services.admin.room_shutdown import RoomShutdown
from closedserver.services.admin.server_notices import ServerNotices
from closedserver.services.admin.server_status import ServerStatusReader
from closedserver.services.room_state import RoomState
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.rooms.creation import RoomCreation
from closedserver.services.rooms.directory import RoomDirectory
from closedserver.services.rooms.membership import Membership
from closedserver.services.timeline import Timeline


@dataclass(frozen=True)
class AdminServices:
    identity: ActingIdentity
    targets: Targets
    room_info: RoomInfo
    moderation: RoomModeration
    shutdown: RoomShutdown
    purge: RoomPurge
    export: RoomExport
    reports: ReportReader
    notices: ServerNotices
    status: ServerStatusReader
    maintenance: DatabaseMaintenance


def build_admin_services(config: Config, accounts: Accounts, timeline: Timeline,
                         room_state: RoomState, access: RoomAccess, aliases: Aliases,
                         membership: Membership, room_creation: RoomCreation,
                         directory: RoomDirectory, account_data: AccountData) -> AdminServices:
    db = timeline.db
    server_name = config.server.server_name
    identity = ActingIdentity(accounts)
    targets = Targets(access, aliases, accounts)
    return AdminServices(
        identity=identity, targets=targets,
        room_info=RoomInfo(access, accounts, targets),
        moderation=RoomModeration(timeline, access, aliases, membership, room_creation,
                                  directory, accounts, identity, targets),
        shutdown=RoomShutdown(timeline, access, membership, room_creation, identity, targets),
        purge=RoomPurge(db, timeline.events, room_state, targets, server_name),
        export=RoomExport(db, targets, server_name),
        reports=ReportReader(timeline.events),
        notices=ServerNotices(timeline, access, membership, room_creation, account_data,
                              identity, targets),
        status=ServerStatusReader(config, db),
        maintenance=DatabaseMaintenance(db))
