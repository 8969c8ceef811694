// The parts of DynamoDB and DynamoDB Streams JSON responses that the capture reads (raw wire
// form: numbers and binary values are strings; timestamps are epoch seconds).
import type { Item } from '../decode/attribute-value.js';

export interface ScanOutput {
  Items?: Item[];
  LastEvaluatedKey?: Item;
  ConsumedCapacity?: { CapacityUnits?: number };
  Count?: number;
  ScannedCount?: number;
}

export interface GetItemOutput {
  Item?: Item;
  ConsumedCapacity?: { CapacityUnits?: number };
}

export interface TableDescription {
  TableName?: string;
  TableStatus?: string;
  KeySchema?: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  AttributeDefinitions?: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  ProvisionedThroughput?: { ReadCapacityUnits?: number };
  BillingModeSummary?: { BillingMode?: string };
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  ItemCount?: number;
}

export interface DescribeTableOutput {
  Table?: TableDescription;
}

export interface WireShard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

export interface DescribeStreamOutput {
  StreamDescription?: {
    StreamArn?: string;
    StreamStatus?: string;
    Shards?: WireShard[];
    LastEvaluatedShardId?: string;
  };
}

export interface GetShardIteratorOutput {
  ShardIterator?: string;
}

export interface WireStreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb?: {
    ApproximateCreationDateTime?: number;
    Keys?: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber?: string;
    SizeBytes?: number;
  };
  userIdentity?: { PrincipalId?: string; Type?: string };
}

export interface GetRecordsOutput {
  Records?: WireStreamRecord[];
  NextShardIterator?: string;
}
