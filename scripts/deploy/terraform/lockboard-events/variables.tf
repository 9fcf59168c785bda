variable "backend_id" {
  description = "The Lockboard backend id (its `id` in the config file). Names the topic and the replicas' queues."
  type        = string
}

variable "bucket_name" {
  description = "The Terraform state bucket."
  type        = string
}

variable "source_type" {
  description = "How S3 announces object changes: \"notification\" (a bucket notification to the topic; it REPLACES the bucket's whole notification configuration) or \"eventbridge\" (an EventBridge rule; the bucket's existing notifications stay, only EventBridge delivery is switched on)."
  type        = string
  default     = "eventbridge"
  validation {
    condition     = contains(["notification", "eventbridge"], var.source_type)
    error_message = "source_type must be \"notification\" or \"eventbridge\"."
  }
}

variable "manage_eventbridge_switch" {
  description = "eventbridge only: create the aws_s3_bucket_notification that switches EventBridge delivery on. Set false when the bucket's notification configuration is managed elsewhere, and add `eventbridge = true` to that resource instead (a bucket has one notification configuration)."
  type        = bool
  default     = true
}

variable "state_suffixes" {
  description = "Suffixes of state keys (Lockboard's stateSuffixes). `.tflock` is always added."
  type        = list(string)
  default     = [".tfstate"]
}

variable "lock_table_stream_arn" {
  description = "The lock table's stream ARN (enable it on the table: stream_enabled = true, stream_view_type = \"KEYS_ONLY\" or \"NEW_AND_OLD_IMAGES\"). Null: S3 events only."
  type        = string
  default     = null
}

variable "lockboard_role_name" {
  description = "IAM role Lockboard runs as: the event-mode policy is attached to it. Null: only output the policy JSON."
  type        = string
  default     = null
}

variable "reconcile_minutes" {
  description = "Lockboard's full read (reconcile) interval, written into the config block output."
  type        = number
  default     = 10
}
