// Which tables can be captured (PROTOCOL.md §3.3): the stream must be enabled, have a
// LatestStreamArn, and carry both images (NEW_AND_OLD_IMAGES), since documents are built from the
// new image and deletes and `before` from the old one. Shared by discover (skip and log) and
// validate (report). DescribeStream is avoided: AWS allows it 10 times a second.
import type { TableDescription } from '../aws/wire-types.js';

export const REQUIRED_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';

/** How to fix any stream problem, in the console's words and the CLI's. */
export function enableStreamFix(table = '<table>'): string {
  return `enable DynamoDB Streams on the table with view type "New and old images" (NEW_AND_OLD_IMAGES): DynamoDB console > table > Exports and streams > DynamoDB stream details > Turn on, or \`aws dynamodb update-table --table-name ${table} --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES\``;
}

/** Why a table's stream cannot be captured, or undefined when it can. */
export function streamProblem(desc: TableDescription): string | undefined {
  const spec = desc.StreamSpecification;
  if (!spec?.StreamEnabled) return 'its DynamoDB stream is not enabled';
  if (!desc.LatestStreamArn) return 'its DynamoDB stream has no LatestStreamArn (it may still be enabling)';
  if (spec.StreamViewType !== REQUIRED_VIEW_TYPE) {
    return `its DynamoDB stream has view type ${spec.StreamViewType ?? '(none)'}, not NEW_AND_OLD_IMAGES; the view type cannot be changed in place: disable the stream, then enable it again with "New and old images"`;
  }
  return undefined;
}
