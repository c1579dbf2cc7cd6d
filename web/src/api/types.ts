// Short names for the API's shapes. The shapes themselves are generated from the server's OpenAPI
// document (schema.d.ts, `npm run api-types`): add a name here, never a shape.
import type { components, operations } from './schema'

type Schemas = components['schemas']

// Closed vocabularies (the runtime lists of their values are in ../enums.ts).
export type Tier = Schemas['Tier']
export type Chain = Schemas['Chain']
export type Status = Schemas['Status']
export type State = Schemas['State']
export type ListLevel = Schemas['ListLevel']
export type ListKind = Schemas['ListKind']
export type BuildType = Schemas['BuildType']
export type Light = Schemas['Light']
export type RuleId = Schemas['RuleId']
export type MilestoneKind = Schemas['MilestoneKind']
export type Factor = Schemas['Factor']
export type Crs = Schemas['Crs']
export type ChangeKind = Schemas['Change']
export type Role = Schemas['Role']
export type ApprovalKind = Schemas['ApprovalKind']
export type ApprovalStatus = Schemas['ApprovalStatus']
/** `GET /api/approvals?status=`: an approval status, or `all`. */
export type ApprovalStatusParam = Schemas['StatusParam']
export type ErrorCode = Schemas['ErrorCode']

// Projects.
/** A project as the API answers it: the stored project, its light and reasons, its held changes. */
export type Project = Schemas['ProjectView']
export type ProjectPage = Schemas['ProjectPage']
export type ProjectInput = Schemas['ProjectInput']
export type ProjectPatch = Schemas['ProjectPatch']
export type LocationInput = Schemas['LocationInput']
export type Milestone = Schemas['Milestone']
/** A project's six milestones, each absent until it has a date. */
export type Milestones = Schemas['Milestones']
export type MilestoneChange = Schemas['MilestoneChange']
export type Membership = Schemas['Membership']
export type Problem = Schemas['Problem']
export type ReportInput = Schemas['ReportInput']
export type StateChange = Schemas['StateChange']
export type Reason = Schemas['Reason']
export type History = Schemas['History']

// The map and the towns.
export type Town = Schemas['TownItem']
export type TownList = Schemas['TownList']
export type TownCollection = Schemas['TownPolygons']
export type TownProps = Schemas['TownProperties']
/** `GET /api/projects.geojson`: full points for a signed-in caller, public ones on the public map. */
export type PointCollection = Schemas['MapPoints']
export type PointGeometry = Schemas['PointGeometry']
/** A signed-in caller's map point: with company, amount, light and reasons. */
export type PointProps = Schemas['PointProperties']
/** A point of the public map (anonymous visitors): name, town, chain, tier and status only. */
export type PublicPointProps = Schemas['PublicPointProperties']
/** A point of either map (map/points.ts tells them apart). */
export type MapPointProps = PointProps | PublicPointProps
export type MapPoint = Schemas['ProjectPoint'] | Schemas['PublicProjectPoint']
export type CountyCollection = Schemas['CountyOutline']

// Indicators and reports.
export type Indicators = Schemas['Indicators']
export type IndicatorGroup = Schemas['Group']
export type WeeklyReport = Schemas['WeeklyReport']
export type Laggard = Schemas['LaggardRow']
export type PublishedWeek = Schemas['PublishedWeek']
export type PublishedWeeks = Schemas['PublishedWeeks']

// Spreadsheet import.
export type ImportResult = Schemas['ImportResult']
export type ImportPlan = Schemas['ImportPlan']
/** A 422 to a commit: the file has errors, nothing was written; the body carries the plan. */
export type ImportRefused = Schemas['ImportRefused']
export type CellError = Schemas['CellError']
export type ImportField = Schemas['Field']
export type MappedColumn = Schemas['MappedColumn']
export type ColumnMapping = Schemas['ColumnMapping']
export type SavedMapping = Schemas['SavedMapping']
export type MappingList = Schemas['MappingList']

// Accounts (docs/accounts.md).
export type Me = Schemas['Me']
export type Can = Schemas['Can']
export type TownName = Schemas['TownName']
export type PublicConfig = Schemas['PublicConfig']
export type LoginInput = Schemas['LoginInput']
export type SignedIn = Schemas['SignedIn']
export type PasswordChange = Schemas['PasswordChange']
export type NewPassword = Schemas['NewPassword']
export type User = Schemas['UserView']
export type UserList = Schemas['UserList']
export type NewUser = Schemas['UserInput']
export type CreatedUser = Schemas['CreatedUser']
export type UserPatch = Schemas['UserPatch']
export type ApiToken = Schemas['TokenView']
export type TokenList = Schemas['TokenList']
export type NewToken = Schemas['TokenInput']
export type CreatedToken = Schemas['CreatedToken']
export type AuditRecord = Schemas['AuditRecord']
export type AuditPage = Schemas['AuditPage']
/** The query parameters of `GET /api/audit` (and of the audit workbook). */
export type AuditQuery = NonNullable<operations['audit']['parameters']['query']>
export type Approval = Schemas['Approval']
export type ApprovalList = Schemas['ApprovalList']
export type Decision = Schemas['Decision']
export type Approved = Schemas['Approved']
export type Rejected = Schemas['Rejected']

// Errors.
/** Every error answer of the API (`{error, message, message_zh, message_en, details}`). */
export type ApiErrorBody = Schemas['Error']
export type ErrorDetail = Schemas['ErrorDetail']
