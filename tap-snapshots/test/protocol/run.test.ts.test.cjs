/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/protocol/run.test.ts > TAP > apply: applied with an actionDescription, the same every time (idempotent) > applied response 1`] = `
Object {
  "applied": Object {
    "actionDescription": "source-dynamodb needs no resources created: 2 binding(s) are read with DescribeTable, Scan and the tables' streams",
  },
}
`

exports[`test/protocol/run.test.ts > TAP > discover against DynamoDB Local: one binding per capturable table > discovered response 1`] = `
Object {
  "discovered": Object {
    "bindings": Array [
      Object {
        "documentSchema": Object {
          "$defs": Object {
            "events": Object {
              "$anchor": "events",
              "properties": Object {
                "at": Object {
                  "contentEncoding": "base64",
                  "type": "string",
                },
                "id": Object {
                  "format": "number",
                  "type": "string",
                },
              },
              "required": Array [
                "id",
                "at",
              ],
              "type": "object",
            },
          },
          "allOf": Array [
            Object {
              "else": Object {
                "reduce": Object {
                  "strategy": "merge",
                },
              },
              "if": Object {
                "properties": Object {
                  "_meta": Object {
                    "properties": Object {
                      "op": Object {
                        "const": "d",
                      },
                    },
                    "required": Array [
                      "op",
                    ],
                  },
                },
                "required": Array [
                  "_meta",
                ],
              },
              "properties": Object {
                "_meta": Object {
                  "properties": Object {
                    "approximateCreationDateTime": Object {
                      "description": "ApproximateCreationDateTime of the stream record (RFC 3339, whole seconds); absent for backfill documents.",
                      "format": "date-time",
                      "type": "string",
                    },
                    "before": Object {
                      "$ref": "#events",
                      "description": "The item before the change (the record's OldImage), for updates and deletes.",
                      "reduce": Object {
                        "strategy": "firstWriteWins",
                      },
                    },
                    "eventId": Object {
                      "description": "EventID of the stream record; absent for backfill documents.",
                      "type": "string",
                    },
                    "eventName": Object {
                      "description": "eventName of the stream record, as DynamoDB Streams gives it (op is its short form); absent for backfill documents.",
                      "enum": Array [
                        "INSERT",
                        "MODIFY",
                        "REMOVE",
                      ],
                    },
                    "op": Object {
                      "description": "Change operation: c = insert or backfill, u = update, d = delete.",
                      "enum": Array [
                        "c",
                        "d",
                        "u",
                      ],
                    },
                    "sequenceNumber": Object {
                      "description": "SequenceNumber of the stream record: decimal digits, increasing within a shard (compare them as integers, not as text); absent for backfill documents.",
                      "pattern": "^[0-9]{1,40}$",
                      "type": "string",
                    },
                    "snapshot": Object {
                      "description": "True for documents read by the backfill Scan; absent for stream records.",
                      "type": "boolean",
                    },
                    "userIdentity": Object {
                      "description": "Who made the change, when the stream record says: a TTL delete has principalId dynamodb.amazonaws.com and type Service.",
                      "properties": Object {
                        "principalId": Object {
                          "description": "PrincipalId of the stream record's UserIdentity.",
                          "type": "string",
                        },
                        "type": Object {
                          "description": "Type of the stream record's UserIdentity.",
                          "type": "string",
                        },
                      },
                      "type": "object",
                    },
                  },
                  "reduce": Object {
                    "strategy": "merge",
                  },
                  "required": Array [
                    "op",
                  ],
                  "type": "object",
                },
              },
              "required": Array [
                "_meta",
              ],
              "then": Object {
                "reduce": Object {
                  "delete": true,
                  "strategy": "merge",
                },
              },
            },
            Object {
              "$ref": "#events",
            },
          ],
          "x-infer-schema": true,
        },
        "key": Array [
          "/id",
          "/at",
        ],
        "recommendedName": "events",
        "resourceConfig": Object {
          "table": "events",
        },
      },
      Object {
        "documentSchema": Object {
          "$defs": Object {
            "orders": Object {
              "$anchor": "orders",
              "properties": Object {
                "customerId": Object {
                  "type": "string",
                },
                "orderId": Object {
                  "format": "number",
                  "type": "string",
                },
                "status": Object {
                  "x-sampled-schema": Object {
                    "type": Array [
                      "null",
                      "string",
                    ],
                  },
                },
                "tags": Object {
                  "x-sampled-schema": Object {
                    "items": Object {
                      "type": "string",
                    },
                    "type": Array [
                      "array",
                      "null",
                    ],
                  },
                },
                "total": Object {
                  "x-sampled-schema": Object {
                    "type": Array [
                      "null",
                      "number",
                    ],
                  },
                },
              },
              "required": Array [
                "customerId",
                "orderId",
              ],
              "type": "object",
            },
          },
          "allOf": Array [
            Object {
              "else": Object {
                "reduce": Object {
                  "strategy": "merge",
                },
              },
              "if": Object {
                "properties": Object {
                  "_meta": Object {
                    "properties": Object {
                      "op": Object {
                        "const": "d",
                      },
                    },
                    "required": Array [
                      "op",
                    ],
                  },
                },
                "required": Array [
                  "_meta",
                ],
              },
              "properties": Object {
                "_meta": Object {
                  "properties": Object {
                    "approximateCreationDateTime": Object {
                      "description": "ApproximateCreationDateTime of the stream record (RFC 3339, whole seconds); absent for backfill documents.",
                      "format": "date-time",
                      "type": "string",
                    },
                    "before": Object {
                      "$ref": "#orders",
                      "description": "The item before the change (the record's OldImage), for updates and deletes.",
                      "reduce": Object {
                        "strategy": "firstWriteWins",
                      },
                    },
                    "eventId": Object {
                      "description": "EventID of the stream record; absent for backfill documents.",
                      "type": "string",
                    },
                    "eventName": Object {
                      "description": "eventName of the stream record, as DynamoDB Streams gives it (op is its short form); absent for backfill documents.",
                      "enum": Array [
                        "INSERT",
                        "MODIFY",
                        "REMOVE",
                      ],
                    },
                    "op": Object {
                      "description": "Change operation: c = insert or backfill, u = update, d = delete.",
                      "enum": Array [
                        "c",
                        "d",
                        "u",
                      ],
                    },
                    "sequenceNumber": Object {
                      "description": "SequenceNumber of the stream record: decimal digits, increasing within a shard (compare them as integers, not as text); absent for backfill documents.",
                      "pattern": "^[0-9]{1,40}$",
                      "type": "string",
                    },
                    "snapshot": Object {
                      "description": "True for documents read by the backfill Scan; absent for stream records.",
                      "type": "boolean",
                    },
                    "userIdentity": Object {
                      "description": "Who made the change, when the stream record says: a TTL delete has principalId dynamodb.amazonaws.com and type Service.",
                      "properties": Object {
                        "principalId": Object {
                          "description": "PrincipalId of the stream record's UserIdentity.",
                          "type": "string",
                        },
                        "type": Object {
                          "description": "Type of the stream record's UserIdentity.",
                          "type": "string",
                        },
                      },
                      "type": "object",
                    },
                  },
                  "reduce": Object {
                    "strategy": "merge",
                  },
                  "required": Array [
                    "op",
                  ],
                  "type": "object",
                },
              },
              "required": Array [
                "_meta",
              ],
              "then": Object {
                "reduce": Object {
                  "delete": true,
                  "strategy": "merge",
                },
              },
            },
            Object {
              "$ref": "#orders",
            },
          ],
          "x-infer-schema": true,
        },
        "key": Array [
          "/customerId",
          "/orderId",
        ],
        "recommendedName": "orders",
        "resourceConfig": Object {
          "table": "orders",
        },
      },
    ],
  },
}
`

exports[`test/protocol/run.test.ts > TAP > spec: exactly one response of the protocol's shape > spec response 1`] = `
Object {
  "spec": Object {
    "configSchema": Object {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "additionalProperties": false,
      "description": "Captures DynamoDB tables: a parallel Scan backfill of each table alongside its DynamoDB Stream.",
      "properties": Object {
        "advanced": Object {
          "additionalProperties": false,
          "advanced": true,
          "description": "Options for advanced users. You should not typically need to modify these.",
          "order": 3,
          "properties": Object {
            "autoRebackfill": Object {
              "description": "When a table's stream no longer holds changes the capture has not read yet (trimmed after the stream's 24-hour retention, or a shard gone before it was read to the end), start that binding's backfill over and read its stream afresh, with a warning in the logs, instead of stopping with an error that asks you to re-backfill. Every item in the table is captured again as it is now, but items deleted while changes were lost cannot be known: their last documents stay in the destination. Blank means off.",
              "nonsensitive": true,
              "order": 7,
              "title": "Re-backfill Automatically When Stream Data Is Lost",
              "type": "boolean",
            },
            "backfillSegments": Object {
              "description": "Number of segments of each table's parallel backfill Scan. Blank or 0 means 100. Has no effect on a table whose backfill has already started.",
              "maximum": 1000000,
              "minimum": 0,
              "nonsensitive": true,
              "order": 1,
              "title": "Backfill Table Segments",
              "type": "integer",
            },
            "discoverSampleSize": Object {
              "description": "Items read from each table during discovery to type its non-key attributes. Blank means 100; 0 turns sampling off, so only the key attributes are typed.",
              "minimum": 0,
              "nonsensitive": true,
              "order": 4,
              "title": "Discovery Sample Size",
              "type": "integer",
            },
            "endpoint": Object {
              "description": "Endpoint URL of DynamoDB, and of DynamoDB Streams unless Streams Endpoint is set: for a compatible API that isn't provided by AWS (for example http://localhost:8000 for DynamoDB Local) or a VPC endpoint. Blank means AWS's regional endpoint.",
              "format": "uri",
              "order": 3,
              "title": "AWS Endpoint",
              "type": "string",
            },
            "idleBackoffMax": Object {
              "description": "Longest wait between two reads of a stream shard that keeps returning nothing (every read is billed, even an empty one): a number of seconds, or a duration such as \\"90s\\", \\"1m\\" or \\"1h30m\\", at most one hour. Blank means 10 seconds; values under 1 second count as 1 second.",
              "maximum": 3600,
              "minimum": 1,
              "nonsensitive": true,
              "order": 5,
              "pattern": "^([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$",
              "title": "Idle Backoff Max",
              "type": Array [
                "integer",
                "string",
              ],
            },
            "maxConcurrentRequests": Object {
              "description": "Most AWS requests in flight at once across all tables, backfills and streams. Blank means 16.",
              "minimum": 1,
              "nonsensitive": true,
              "order": 6,
              "title": "Max Concurrent Requests",
              "type": "integer",
            },
            "numbers": Object {
              "default": "literal",
              "description": "How DynamoDB numbers (N, NS, and numbers nested in maps and lists) appear in documents. \\"literal\\" (blank): JSON numbers with DynamoDB's exact digits, the shape Estuary's connector and existing collections have; a runtime that holds numbers as 64-bit floats, as Flow does, rounds values past about 15 significant digits or beyond 2^53. \\"string\\": decimal strings with the exact digits (format \\"number\\"), which survive any runtime and which destinations with a NUMERIC type load exactly. Key attributes are strings in both modes.",
              "enum": Array [
                "literal",
                "string",
              ],
              "nonsensitive": true,
              "order": 8,
              "title": "Number Encoding",
              "type": "string",
            },
            "scanLimit": Object {
              "description": "Most items evaluated by each backfill Scan request. Blank or 0: none when the table's read capacity for the backfill is unlimited or above 100 units, otherwise 100.",
              "minimum": 0,
              "nonsensitive": true,
              "order": 2,
              "title": "Scan Limit",
              "type": "integer",
            },
            "streamsEndpoint": Object {
              "description": "Endpoint URL of DynamoDB Streams when it differs from the AWS Endpoint, for example an interface VPC endpoint (PrivateLink) for streams.dynamodb. Blank means the AWS Endpoint if one is set, else AWS's regional Streams endpoint.",
              "format": "uri",
              "order": 9,
              "title": "DynamoDB Streams Endpoint",
              "type": "string",
            },
            "stsEndpoint": Object {
              "description": "Endpoint URL of AWS STS, used when the connector assumes a role itself (AWS IAM without injected credentials, and web identity or profile roles of the default credential chain), for example an interface VPC endpoint for sts. Blank means AWS's regional STS endpoint.",
              "format": "uri",
              "order": 10,
              "title": "STS Endpoint",
              "type": "string",
            },
          },
          "title": "Advanced Options",
          "type": "object",
        },
        "credentials": Object {
          "default": Object {
            "auth_type": "AWSAccessKey",
          },
          "description": "How the connector authenticates to AWS.",
          "discriminator": Object {
            "propertyName": "auth_type",
          },
          "oneOf": Array [
            Object {
              "additionalProperties": false,
              "description": "The access key of an IAM user allowed to describe, scan and read the streams of the tables.",
              "properties": Object {
                "auth_type": Object {
                  "const": "AWSAccessKey",
                  "default": "AWSAccessKey",
                  "description": "Selects authentication with an access key.",
                  "order": 0,
                  "title": "Authentication Type",
                  "type": "string",
                },
                "aws_access_key_id": Object {
                  "description": "Access key ID of the IAM user, for example AKIAIOSFODNN7EXAMPLE.",
                  "minLength": 1,
                  "order": 1,
                  "title": "AWS Access Key ID",
                  "type": "string",
                },
                "aws_secret_access_key": Object {
                  "description": "Secret access key that belongs to the access key ID.",
                  "minLength": 1,
                  "order": 2,
                  "secret": true,
                  "title": "AWS Secret Access Key",
                  "type": "string",
                },
              },
              "required": Array [
                "auth_type",
                "aws_access_key_id",
                "aws_secret_access_key",
              ],
              "title": "AWS Access Key",
              "type": "object",
            },
            Object {
              "additionalProperties": false,
              "description": "An IAM role with access to the tables. On a platform that assumes it for the connector (Estuary Flow), the platform injects short-lived session credentials into this object at run time; otherwise the connector assumes the role itself with AWS STS, using source credentials from the AWS default credential chain, and renews the session before it expires.",
              "properties": Object {
                "auth_type": Object {
                  "const": "AWSIAM",
                  "default": "AWSIAM",
                  "description": "Selects authentication with an IAM role, assumed by the platform or by the connector.",
                  "order": 0,
                  "title": "Authentication Type",
                  "type": "string",
                },
                "aws_access_key_id": Object {
                  "description": "Injected by the platform after it assumes the role; do not set it yourself.",
                  "title": "Session Access Key ID",
                  "type": "string",
                  "x-hidden-field": true,
                },
                "aws_external_id": Object {
                  "description": "External ID that the role's trust policy requires (its sts:ExternalId condition), sent when the connector assumes the role itself. Leave blank when the trust policy has no such condition.",
                  "maxLength": 1224,
                  "minLength": 2,
                  "order": 3,
                  "pattern": "^[\\\\w+=,.@:\\\\/-]*$",
                  "title": "External ID",
                  "type": "string",
                },
                "aws_region": Object {
                  "description": "AWS region used to assume the role, usually the region of the tables.",
                  "minLength": 1,
                  "order": 2,
                  "title": "AWS Region",
                  "type": "string",
                },
                "aws_role_arn": Object {
                  "description": "ARN of the IAM role that has access to the tables, for example arn:aws:iam::123456789012:role/flow. Its trust policy must allow sts:AssumeRole by whoever assumes it.",
                  "minLength": 1,
                  "order": 1,
                  "title": "AWS Role ARN",
                  "type": "string",
                },
                "aws_secret_access_key": Object {
                  "description": "Injected by the platform after it assumes the role; do not set it yourself.",
                  "secret": true,
                  "title": "Session Secret Access Key",
                  "type": "string",
                  "x-hidden-field": true,
                },
                "aws_session_token": Object {
                  "description": "Injected by the platform after it assumes the role; do not set it yourself.",
                  "secret": true,
                  "title": "Session Token",
                  "type": "string",
                  "x-hidden-field": true,
                },
              },
              "required": Array [
                "auth_type",
                "aws_role_arn",
                "aws_region",
              ],
              "title": "AWS IAM",
              "type": "object",
            },
            Object {
              "additionalProperties": false,
              "description": "The AWS SDK's default credential chain: environment variables, the shared config and credentials files, then web identity, container or instance role. For self-hosted runs: on a hosted platform it would find the platform's own identity, or nothing.",
              "properties": Object {
                "auth_type": Object {
                  "const": "AWSDefaultChain",
                  "default": "AWSDefaultChain",
                  "description": "Selects the AWS SDK's default credential chain.",
                  "order": 0,
                  "title": "Authentication Type",
                  "type": "string",
                },
                "profile": Object {
                  "description": "Named profile of the shared AWS config and credentials files. Leave blank for AWS_PROFILE or the default profile.",
                  "minLength": 1,
                  "order": 1,
                  "title": "Profile",
                  "type": "string",
                },
              },
              "required": Array [
                "auth_type",
              ],
              "title": "AWS Default Credential Chain",
              "type": "object",
            },
          ],
          "order": 2,
          "title": "Authentication",
          "type": "object",
          "x-iam-auth": true,
        },
        "region": Object {
          "description": "AWS region of the DynamoDB tables, for example us-east-1.",
          "minLength": 1,
          "order": 1,
          "title": "Region",
          "type": "string",
        },
      },
      "required": Array [
        "region",
        "credentials",
      ],
      "title": "Source DynamoDB",
      "type": "object",
    },
    "documentationUrl": "https://github.com/source-dynamodb/source-dynamodb#readme",
    "protocol": 3032023,
    "resourceConfigSchema": Object {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "additionalProperties": false,
      "description": "One captured DynamoDB table.",
      "properties": Object {
        "rcuAllocation": Object {
          "description": "Read capacity units per second the backfill of this table may consume. Blank or 0 means the table's provisioned read capacity, or no limit for an on-demand table.",
          "minimum": 0,
          "nonsensitive": true,
          "order": 2,
          "title": "RCU Allocation",
          "type": "integer",
        },
        "table": Object {
          "description": "Name of the DynamoDB table to capture. Its stream must be enabled with the view type \\"New and old images\\".",
          "minLength": 1,
          "order": 1,
          "title": "Table Name",
          "type": "string",
        },
      },
      "required": Array [
        "table",
      ],
      "title": "DynamoDB Table",
      "type": "object",
    },
    "resourcePathPointers": Array [
      "/table",
    ],
  },
}
`

exports[`test/protocol/run.test.ts > TAP > validate against DynamoDB Local: resource paths in request order > validate failure message 1`] = `
2 of 3 bindings cannot be captured:
binding 1 (table "noStream"): its DynamoDB stream is not enabled: enable DynamoDB Streams on the table with view type "New and old images" (NEW_AND_OLD_IMAGES): DynamoDB console > table > Exports and streams > DynamoDB stream details > Turn on, or \`aws dynamodb update-table --table-name noStream --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES\`
binding 2 (table "missing"): the table does not exist in region "us-east-1": check its name (names are case-sensitive) and the region, or create it
`

exports[`test/protocol/run.test.ts > TAP > validate against DynamoDB Local: resource paths in request order > validated response 1`] = `
Object {
  "validated": Object {
    "bindings": Array [
      Object {
        "resourcePath": Array [
          "events",
        ],
      },
      Object {
        "resourcePath": Array [
          "orders",
        ],
      },
    ],
  },
}
`
