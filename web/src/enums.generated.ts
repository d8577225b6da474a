// Generated from docs/openapi.yaml by web/scripts/enums.ts (`npm run enums`): do not edit by hand.
// The enumerations the server defines; their labels are in i18n.ts, checked against these types.

/** #/components/schemas/SiteState */
export const SITE_STATES = ['offline', 'alert', 'case', 'degraded', 'ok', 'none'] as const;
export type SiteState = (typeof SITE_STATES)[number];

/** #/components/schemas/SiteKind */
export const SITE_KINDS = ['border_gate', 'seaport', 'airport', 'container_yard', 'bonded_warehouse', 'scanner_area', 'enterprise_premises'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** #/components/schemas/CameraOwner */
export const CAMERA_OWNERS = ['customs', 'enterprise', 'other_agency'] as const;
export type CameraOwner = (typeof CAMERA_OWNERS)[number];

/** #/components/schemas/CameraConnection */
export const CAMERA_CONNECTIONS = ['customs_network', 'internet', 'leased_line'] as const;
export type CameraConnection = (typeof CAMERA_CONNECTIONS)[number];

/** #/components/schemas/OutageState */
export const OUTAGE_STATES = ['open', 'closed', 'all'] as const;
export type OutageState = (typeof OUTAGE_STATES)[number];

/** #/components/schemas/RecorderNodeState */
export const RECORDER_NODE_STATES = ['new', 'up', 'down', 'revoked'] as const;
export type RecorderNodeState = (typeof RECORDER_NODE_STATES)[number];

/** #/components/schemas/CameraState */
export const CAMERA_STATES = ['online', 'degraded', 'offline', 'starting', 'disabled', 'unknown', 'recorder_down'] as const;
export type CameraState = (typeof CAMERA_STATES)[number];

/** #/components/schemas/GapCause */
export const GAP_CAUSES = ['camera_down', 'recorder_down', 'disk_full', 'disk_error', 'retention', 'clock_step', 'discontinuity', 'disabled'] as const;
export type GapCause = (typeof GAP_CAUSES)[number];

/** #/components/schemas/Role */
export const ROLES = ['admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'office_officer', 'camera_admin', 'auditor', 'external_requester'] as const;
export type Role = (typeof ROLES)[number];

/** #/components/schemas/UnitKind */
export const UNIT_KINDS = ['headquarters', 'leadership', 'office', 'department', 'division', 'provincial_department', 'branch', 'team', 'customs_department', 'central_unit', 'regional_branch', 'border_gate_office', 'external'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** #/components/schemas/DesignationKind */
export const DESIGNATION_KINDS = ['lead_supervision_unit', 'system_operator', 'supervision_section', 'duty_watch', 'leadership', 'leadership_focal_point'] as const;
export type DesignationKind = (typeof DESIGNATION_KINDS)[number];

/** #/components/schemas/Position */
export const POSITIONS = ['shift_leader', 'deputy_leader', 'office_officer', 'supervision_officer', 'duty_officer'] as const;
export type Position = (typeof POSITIONS)[number];

/** #/components/schemas/RotationKind */
export const ROTATION_KINDS = ['weekday_owners', 'daily_rotation'] as const;
export type RotationKind = (typeof ROTATION_KINDS)[number];

/** #/components/schemas/DutyPhase */
export const DUTY_PHASES = ['office_hours', 'after_hours'] as const;
export type DutyPhase = (typeof DUTY_PHASES)[number];

/** #/components/schemas/RosterStatus */
export const ROSTER_STATUSES = ['draft', 'submitted', 'approved', 'published'] as const;
export type RosterStatus = (typeof ROSTER_STATUSES)[number];

/** #/components/schemas/ShiftStatus */
export const SHIFT_STATUSES = ['planned', 'on_duty', 'handover_pending', 'closed'] as const;
export type ShiftStatus = (typeof SHIFT_STATUSES)[number];

/** #/components/schemas/LogKind */
export const LOG_KINDS = ['information_received', 'instruction_given', 'action_taken', 'equipment_status', 'system_outage', 'other'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** #/components/schemas/FocusSource */
export const FOCUS_SOURCES = ['leadership_direction', 'situation', 'channel_direction'] as const;
export type FocusSource = (typeof FOCUS_SOURCES)[number];

/** #/components/schemas/OrderKind */
export const ORDER_KINDS = ['inspection', 'stop_goods', 'handle_violation'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** #/components/schemas/TargetType */
export const TARGET_TYPES = ['declaration', 'container', 'vehicle', 'passenger'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** #/components/schemas/ItemDecision */
export const ITEM_DECISIONS = ['accepted', 'noted'] as const;
export type ItemDecision = (typeof ITEM_DECISIONS)[number];

/** #/components/schemas/AlertStatus */
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** #/components/schemas/SupervisionMethod */
export const SUPERVISION_METHODS = ['regular', 'duty_task', 'keypoint_plan', 'keypoint_directive'] as const;
export type SupervisionMethod = (typeof SUPERVISION_METHODS)[number];

/** #/components/schemas/CaseSubject */
export const CASE_SUBJECTS = ['passenger_baggage', 'goods', 'means_of_transport', 'officer_conduct', 'information_system'] as const;
export type CaseSubject = (typeof CASE_SUBJECTS)[number];

/** #/components/schemas/Severity */
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** #/components/schemas/CaseStatus */
export const CASE_STATUSES = ['draft', 'reported', 'acknowledged', 'in_handling', 'coordination_requested', 'concluded', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** #/components/schemas/CaseOutcome */
export const CASE_OUTCOMES = ['no_violation', 'procedure_corrected', 'administrative_violation', 'criminal_transfer', 'officer_discipline'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/** #/components/schemas/SupervisionTargetType */
export const SUPERVISION_TARGET_TYPES = ['site', 'camera', 'enterprise', 'declaration', 'route'] as const;
export type SupervisionTargetType = (typeof SUPERVISION_TARGET_TYPES)[number];

/** #/components/schemas/TaskStatus */
export const TASK_STATUSES = ['active', 'awaiting_approval', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** #/components/schemas/ProposalStatus */
export const PROPOSAL_STATUSES = ['proposed', 'approved', 'rejected', 'executed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** #/components/schemas/RecipientRole */
export const RECIPIENT_ROLES = ['duty_watch', 'shift_leader', 'leadership', 'focal_point', 'focal_leadership', 'hq_leadership', 'team_leader', 'directed_unit'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** #/components/schemas/RelayStage */
export const RELAY_STAGES = ['at_focal_point', 'at_focal_leadership', 'forwarded', 'sent_to_leaders', 'directed', 'direction_relayed', 'direction_sent'] as const;
export type RelayStage = (typeof RELAY_STAGES)[number];

/** #/components/schemas/RelayAction */
export const RELAY_ACTIONS = ['forward', 'direct', 'relay_direction'] as const;
export type RelayAction = (typeof RELAY_ACTIONS)[number];

/** #/components/schemas/IdentifierKind */
export const IDENTIFIER_KINDS = ['declarations', 'containers', 'plates', 'seals', 'persons', 'baggage'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** #/components/schemas/NotificationKind */
export const NOTIFICATION_KINDS = ['case_reported', 'case_escalated', 'proposal_submitted', 'proposal_decided', 'coordination_received', 'coordination_answered', 'coordination_overdue', 'case_forwarded', 'case_directed', 'case_direction', 'case_relay_overdue', 'data_request.at_focal_point', 'data_request.to_decide', 'data_request.decided', 'data_request.info_requested', 'data_request.withdrawn', 'grant.revoked'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** #/components/schemas/EscalationCondition */
export const ESCALATION_CONDITIONS = ['not_acknowledged', 'not_closed'] as const;
export type EscalationCondition = (typeof ESCALATION_CONDITIONS)[number];

/** #/components/schemas/EscalationRole */
export const ESCALATION_ROLES = ['shift_leader', 'duty_officer', 'unit_leader', 'hq_leader', 'office_officer'] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

/** #/components/schemas/EscalationTarget */
export const ESCALATION_TARGETS = ['handling_unit', 'duty_watch_above', 'parent_unit', 'headquarters'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** #/components/schemas/CoordinationStatus */
export const COORDINATION_STATUSES = ['sent', 'acknowledged', 'answered'] as const;
export type CoordinationStatus = (typeof COORDINATION_STATUSES)[number];

/** #/components/schemas/DataType */
export const DATA_TYPES = ['live', 'recordings', 'snapshots', 'case_data'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** #/components/schemas/AccessMode */
export const ACCESS_MODES = ['view', 'download'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** #/components/schemas/DataRequestStatus */
export const DATA_REQUEST_STATUSES = ['at_focal_point', 'pending', 'info_requested', 'approved', 'refused', 'withdrawn'] as const;
export type DataRequestStatus = (typeof DATA_REQUEST_STATUSES)[number];

/** #/components/schemas/DataDecision */
export const DATA_DECISIONS = ['approve', 'approve_narrower', 'ask_info', 'refuse'] as const;
export type DataDecision = (typeof DATA_DECISIONS)[number];

/** #/components/schemas/RelationshipBasis */
export const RELATIONSHIP_BASISES = ['regulation', 'agreement', 'direction'] as const;
export type RelationshipBasis = (typeof RELATIONSHIP_BASISES)[number];

/** #/components/schemas/GrantStatus */
export const GRANT_STATUSES = ['active', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** #/components/schemas/SharingRoute */
export const SHARING_ROUTES = ['operating_unit', 'hq_leadership'] as const;
export type SharingRoute = (typeof SHARING_ROUTES)[number];

/** #/components/schemas/SharingReasonCode */
export const SHARING_REASON_CODES = ['no_relationship', 'type_not_covered', 'cameras_not_covered', 'download_not_covered', 'too_many_cameras', 'range_too_long', 'access_too_long', 'outside_live', 'outside_download'] as const;
export type SharingReasonCode = (typeof SHARING_REASON_CODES)[number];
