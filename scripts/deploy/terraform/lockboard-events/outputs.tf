output "topic_arn" {
  description = "The SNS topic the bucket's object events go to."
  value       = aws_sns_topic.events.arn
}

output "lockboard_iam_policy_json" {
  description = "The event-mode permissions Lockboard needs (attached to lockboard_role_name when given)."
  value       = data.aws_iam_policy_document.lockboard.json
}

output "lockboard_events_block" {
  description = "The backend's `events` block for Lockboard's config file."
  value = merge(
    { s3 = { topicArn = aws_sns_topic.events.arn }, reconcileMinutes = var.reconcile_minutes },
    var.lock_table_stream_arn == null ? {} : { dynamodbStreamArn = var.lock_table_stream_arn },
  )
}
