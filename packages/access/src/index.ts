export { associations, figureReaders, mayGrantRole, orgStaff, people, staff, teamPeople, treeKeepers } from "./roles.js";
export { matrix, type Action, type Grant, type Scope } from "./matrix.js";
export { accessErrors, authorize, can, grantsFor, isPrivileged, listScope, reaches, requireAccess, roleMay, type Facts, type ListScope, type Who } from "./decide.js";
