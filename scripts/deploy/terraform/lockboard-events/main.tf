# Event mode for one Lockboard backend (docs/events.md): S3 object events of the state bucket go to
# an SNS topic; each Lockboard replica creates its own SQS queue at start-up, subscribes it to the
# topic and deletes it on a clean shutdown (the fan-out: every replica sees every change). The lock
# table's stream is read by every replica directly.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  suffixes          = distinct(concat(var.state_suffixes, [".tflock"]))
  topic_name        = "lockboard-${var.backend_id}-state-events"
  queue_arn_pattern = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:lockboard-${substr(var.backend_id, 0, 30)}-*"
}

resource "aws_sns_topic" "events" {
  name = local.topic_name
}

# Who may publish: S3 (bucket notification) or EventBridge (rule target), for this bucket only.
data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "StateBucketEvents"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
    principals {
      type        = "Service"
      identifiers = [var.source_type == "notification" ? "s3.amazonaws.com" : "events.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = var.source_type == "notification" ? [1] : []
      content {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"]
      }
    }
    dynamic "condition" {
      for_each = var.source_type == "eventbridge" ? [1] : []
      content {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_cloudwatch_event_rule.state_objects[0].arn]
      }
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = data.aws_iam_policy_document.topic.json
}

# --- notification: one rule per suffix (S3 filters cannot OR suffixes). Replaces the bucket's
# whole notification configuration: merge any existing one into this resource first.
resource "aws_s3_bucket_notification" "to_topic" {
  count  = var.source_type == "notification" ? 1 : 0
  bucket = var.bucket_name
  dynamic "topic" {
    for_each = local.suffixes
    content {
      topic_arn     = aws_sns_topic.events.arn
      events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
      filter_suffix = topic.value
    }
  }
  depends_on = [aws_sns_topic_policy.events]
}

# --- eventbridge: switch delivery on (unless managed elsewhere) and route the bucket's object
# events for state and lock keys to the topic.
resource "aws_s3_bucket_notification" "eventbridge" {
  count       = var.source_type == "eventbridge" && var.manage_eventbridge_switch ? 1 : 0
  bucket      = var.bucket_name
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "state_objects" {
  count       = var.source_type == "eventbridge" ? 1 : 0
  name        = "lockboard-${var.backend_id}-state-objects"
  description = "Lockboard event mode: state and lock objects of ${var.bucket_name} created or deleted"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created", "Object Deleted"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = [for s in local.suffixes : { suffix = s }] }
    }
  })
}

resource "aws_cloudwatch_event_target" "to_topic" {
  count = var.source_type == "eventbridge" ? 1 : 0
  rule  = aws_cloudwatch_event_rule.state_objects[0].name
  arn   = aws_sns_topic.events.arn
}

# --- what Lockboard may do in event mode (on top of its read policy, docs/iam.md).
data "aws_iam_policy_document" "lockboard" {
  statement {
    sid = "OwnReplicaQueues"
    actions = [
      "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
      "sqs:TagQueue", "sqs:ReceiveMessage", "sqs:DeleteMessage",
    ]
    resources = [local.queue_arn_pattern]
  }
  statement {
    sid       = "SubscribeReplicaQueues"
    actions   = ["sns:Subscribe", "sns:Unsubscribe"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = var.lock_table_stream_arn == null ? [] : [var.lock_table_stream_arn]
    content {
      sid       = "ReadLockTableStream"
      actions   = ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "lockboard" {
  count  = var.lockboard_role_name == null ? 0 : 1
  name   = "lockboard-${var.backend_id}-events"
  role   = var.lockboard_role_name
  policy = data.aws_iam_policy_document.lockboard.json
}
