import { kepuError } from "@kepu/errors";
import { optionalText, requireId, requireText } from "@kepu/input";
import type { OrderRequest } from "@kepu/contracts/dispatch/v1/events_pb";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";

/** What a 点单 must carry before the domain sees it. */
export function validateRequest(request: OrderRequest | undefined): OrderRequest {
  if (!request) throw kepuError("invalid", "REQUEST_REQUIRED", "缺少点单内容", "The order's request is missing", "request");
  const community = request.community;
  if (!community || !community.orgId || community.path.length === 0 || community.path.at(-1) !== community.orgId) {
    throw kepuError("invalid", "COMMUNITY_REQUIRED", "请选择所在社区", "Choose the community the order is for", "request.community");
  }
  community.path.forEach((id) => requireId(id, "request.community.path"));
  if (!request.menuItemId) request.title = requireText(request.title, "request.title", 100);
  else requireId(request.menuItemId, "request.menuItemId");
  request.description = optionalText(request.description, "request.description", 2_000); // trimmed, phone numbers masked
  if (!(request.theme in Theme) || request.theme === Theme.UNSPECIFIED) {
    throw kepuError("invalid", "THEME_REQUIRED", "请选择科普主题", "Choose a theme", "request.theme");
  }
  if (request.expectedParticipants < 0 || request.expectedParticipants > 100_000) {
    throw kepuError("invalid", "BAD_PARTICIPANTS", "预计人数须在 0 到 100000 之间", "Expected participants must be 0 to 100000", "request.expectedParticipants");
  }
  return request;
}

export { optionalName, optionalText, requireId, requireText } from "@kepu/input";
