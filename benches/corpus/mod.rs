//! A deterministic Terraform corpus for benchmarks: ~500 root modules under
//! `envs/`, shared modules under `modules/`, at least 5,000 `.tf` files and
//! about 30 MB in all (with the default 500 roots).
//!
//! No external crate: a fixed-seed xorshift drives every choice, so the same
//! configuration always writes the same bytes.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Bump when the generated content changes.
pub const VERSION: u32 = 1;
/// Marks a directory as ours: only such a directory is ever wiped.
pub const STAMP: &str = ".cercle-bench-corpus";
pub const DEFAULT_SEED: u64 = 0x00C3_4C1E_2025_0001;
pub const DEFAULT_ROOTS: usize = 500;

#[derive(Clone, Debug)]
pub struct Config {
    pub roots: usize,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            roots: DEFAULT_ROOTS,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub roots: usize,
    pub modules: usize,
    pub tf_files: usize,
    pub tfvars_files: usize,
    /// Bytes of `.tf` and `.tfvars` files.
    pub bytes: u64,
    pub tf_bytes: u64,
    pub min_file: u64,
    pub max_file: u64,
    /// `resource` blocks written (before `count`/`for_each` expansion).
    pub resource_blocks: usize,
    pub module_calls: usize,
}

impl Stats {
    pub fn files(&self) -> usize {
        self.tf_files + self.tfvars_files
    }
}

// ---------------------------------------------------------------- random

/// xorshift64*: tiny, fast, deterministic.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Inclusive.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    /// A file size in bytes between `lo` and `hi`, skewed towards `lo`.
    pub fn size(&mut self, lo: usize, hi: usize, skew: f64) -> usize {
        lo + ((hi - lo) as f64 * self.unit().powf(skew)) as usize
    }
}

// ---------------------------------------------------------------- vocabulary

const TEAMS: &[&str] = &[
    "payments",
    "identity",
    "search",
    "billing",
    "analytics",
    "logistics",
    "catalog",
    "messaging",
    "hr",
    "crm",
    "fraud",
    "media",
    "ledger",
    "notify",
];
const APPS: &[&str] = &[
    "api", "web", "worker", "etl", "portal", "gateway", "batch", "sync",
];
const STAGES: &[&str] = &["dev", "staging", "prod", "qa", "sandbox", "preprod"];
const AWS_REGIONS: &[&str] = &[
    "eu-west-3",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "us-east-1",
    "us-west-2",
    "ap-southeast-1",
];
const AZ_LOCATIONS: &[&str] = &[
    "francecentral",
    "westeurope",
    "northeurope",
    "germanywestcentral",
    "swedencentral",
    "uksouth",
    "eastus",
];
const GCP_REGIONS: &[&str] = &[
    "europe-west9",
    "europe-west1",
    "europe-west4",
    "europe-west3",
    "europe-north1",
    "us-central1",
    "asia-east1",
];
const WORDS: &[&str] = &[
    "orders",
    "events",
    "invoices",
    "exports",
    "archive",
    "audit",
    "reports",
    "assets",
    "uploads",
    "cache",
    "sessions",
    "metrics",
    "backups",
    "raw",
    "curated",
    "snapshots",
    "tickets",
    "profiles",
    "ingest",
    "staging",
    "thumbs",
    "logs",
    "models",
    "features",
];
const COMMENTS: &[&str] = &[
    "Managed by the platform team; changes go through the change advisory board.",
    "TODO(ops): move to the shared module once the migration is done.",
    "Retention follows the data retention policy (see the wiki, DATA-RET-7).",
    "Do not rename: other stacks read this through remote state.",
    "Kept for compatibility with the legacy batch jobs.",
    "Encryption at rest is mandatory for this data (security baseline 4.2).",
    "Sized for the peak of the monthly closing.",
    "Replicated for disaster recovery, RPO 15 minutes.",
    "Access is restricted to the service principal of the application.",
    "See the runbook before changing the lifecycle rules.",
];

fn fill(out: &mut String, template: &str, vars: &[(&str, &str)]) {
    // `@key@` markers: HCL never uses `@`.
    let mut rest = template;
    while let Some(i) = rest.find('@') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let j = after.find('@').expect("unclosed @marker@");
        let key = &after[..j];
        let v = vars
            .iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("no value for @{key}@"))
            .1;
        out.push_str(v);
        rest = &after[j + 1..];
    }
    out.push_str(rest);
}

fn header(out: &mut String, rng: &mut Rng, what: &str) {
    let _ = writeln!(
        out,
        "# {what}\n#\n# Copyright (c) Example Org. Internal use only.\n# Generated layout, hand-maintained content: keep resources sorted by purpose.\n"
    );
    if rng.chance(30) {
        out.push_str("/*\n  Conventions:\n  - names are prefixed with the project and environment;\n  - every resource carries the common tags;\n  - regions come from variables, never hard-coded, except for replicas.\n*/\n\n");
    }
}

// ---------------------------------------------------------------- resource templates

/// Where templates are expanded: a root module (`envs/x`) or a shared module.
struct Ctx<'r> {
    rng: &'r mut Rng,
    root: bool,
    aws: bool,
    azure: bool,
    gcp: bool,
    /// Provider aliases usable in this module, besides the default one.
    aws_aliases: Vec<&'static str>,
    azure_aliases: Vec<&'static str>,
    gcp_aliases: Vec<&'static str>,
    seq: usize,
    resources: usize,
    /// Expressions worth an output.
    outputs: Vec<(String, String)>,
}

impl Ctx<'_> {
    fn id(&mut self, base: &str) -> String {
        self.seq += 1;
        format!("{base}_{}", self.seq)
    }
    fn tags(&self) -> &'static str {
        if self.root {
            "local.common_tags"
        } else {
            "var.tags"
        }
    }
    fn prefix(&self) -> &'static str {
        if self.root {
            "local.name_prefix"
        } else {
            "var.name"
        }
    }
    fn az_loc(&self) -> &'static str {
        if self.root {
            "azurerm_resource_group.rg.location"
        } else {
            "var.location"
        }
    }
    fn az_rg(&self) -> &'static str {
        if self.root {
            "azurerm_resource_group.rg.name"
        } else {
            "var.resource_group_name"
        }
    }
    fn tenant(&self) -> &'static str {
        if self.root {
            "data.azurerm_client_config.current.tenant_id"
        } else {
            "var.tenant_id"
        }
    }
    fn gcp_region(&mut self) -> &'static str {
        if !self.root {
            return "var.region";
        }
        if self.rng.chance(50) {
            "var.gcp_region"
        } else {
            "local.regions.gcp.primary"
        }
    }
    fn small_map(&self) -> &'static str {
        if self.root {
            "local.buckets"
        } else {
            "var.buckets"
        }
    }
    fn provider_line(&mut self, cloud: &str) -> String {
        let aliases = match cloud {
            "aws" => &self.aws_aliases,
            "azurerm" => &self.azure_aliases,
            _ => &self.gcp_aliases,
        };
        if aliases.is_empty() || !self.rng.chance(25) {
            return String::new();
        }
        let a = aliases[self.rng.below(aliases.len())];
        format!("  provider = {cloud}.{a}\n")
    }
    fn comment(&mut self, out: &mut String) {
        if self.rng.chance(45) {
            let _ = writeln!(out, "# {}", self.rng.pick(COMMENTS));
        }
        if self.rng.chance(3) {
            out.push_str("# cercle:tier sensible\n");
        }
    }
    fn word(&mut self) -> &'static str {
        self.rng.pick(WORDS)
    }

    /// Appends one group of related blocks.
    fn block(&mut self, out: &mut String, kind: &str) {
        let clouds: Vec<&str> = [
            ("aws", self.aws),
            ("azurerm", self.azure),
            ("google", self.gcp),
        ]
        .iter()
        .filter(|c| c.1)
        .map(|c| c.0)
        .collect();
        let cloud = self.rng.pick(&clouds);
        self.comment(out);
        match (cloud, kind) {
            ("aws", "storage") => self.aws_bucket(out),
            ("aws", "compute") => self.aws_instance(out),
            ("aws", "network") => self.aws_sg(out),
            ("aws", "database") => self.aws_db(out),
            ("aws", "iam") => self.aws_iam(out),
            ("aws", "monitoring") => self.aws_queue(out),
            ("azurerm", "storage") => self.az_storage(out),
            ("azurerm", "compute") => self.az_vm(out),
            ("azurerm", "network") => self.az_network(out),
            ("azurerm", "database") => self.az_db(out),
            ("azurerm", "iam") => self.az_keyvault(out),
            ("azurerm", "monitoring") => self.az_monitor(out),
            ("google", "storage") => self.gcp_bucket(out),
            ("google", "compute") => self.gcp_instance(out),
            ("google", "network") => self.gcp_network(out),
            ("google", "database") => self.gcp_sql(out),
            ("google", "iam") => self.gcp_kms(out),
            (_, _) => self.gcp_pubsub(out),
        }
        out.push('\n');
    }

    fn aws_bucket(&mut self, out: &mut String) {
        let base = self.word();
        let n = self.id(base);
        let provider = self.provider_line("aws");
        let w = self.word().to_string();
        let (iter, name, each_ref) = match self.rng.below(4) {
            0 => (
                format!("  for_each = {}\n\n", self.small_map()),
                format!("\"${{{}}}-{w}-${{each.key}}\"", self.prefix()),
                true,
            ),
            1 => (
                "  for_each = {\n    primary   = \"a\"\n    secondary = \"b\"\n  }\n\n".to_string(),
                format!(
                    "\"${{{}}}-{w}-${{each.key}}-${{each.value}}\"",
                    self.prefix()
                ),
                true,
            ),
            _ => (
                String::new(),
                format!("\"${{{}}}-{w}\"", self.prefix()),
                false,
            ),
        };
        let tags = self.tags();
        fill(
            out,
            r#"resource "aws_s3_bucket" "@n@" {
@iter@@provider@  bucket        = @name@
  force_destroy = false

  tags = merge(@tags@, {
    Name       = @name@
    DataClass  = "internal"
    CostCenter = "cc-@cc@"
  })
}

"#,
            &[
                ("n", &n),
                ("iter", &iter),
                ("provider", &provider),
                ("name", &name),
                ("tags", tags),
                ("cc", &format!("{:04}", self.seq * 37 % 10000)),
            ],
        );
        let target = if each_ref {
            format!("aws_s3_bucket.{n}[each.key].id")
        } else {
            format!("aws_s3_bucket.{n}.id")
        };
        let iter2 = if each_ref {
            format!("  for_each = aws_s3_bucket.{n}\n\n")
        } else {
            String::new()
        };
        let target = if each_ref {
            "each.value.id".to_string()
        } else {
            target
        };
        fill(
            out,
            r#"resource "aws_s3_bucket_versioning" "@n@" {
@iter@@provider@  bucket = @target@

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "@n@" {
@iter@@provider@  bucket = @target@

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "@n@" {
@iter@@provider@  bucket                  = @target@
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"#,
            &[
                ("n", &n),
                ("iter", &iter2),
                ("provider", &provider),
                ("target", &target),
            ],
        );
        if self.rng.chance(40) {
            fill(
                out,
                r#"
resource "aws_s3_bucket_lifecycle_configuration" "@n@" {
@iter@@provider@  bucket = @target@

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {
      prefix = "tmp/"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.retention_days
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
  }
}
"#,
                &[
                    ("n", &n),
                    ("iter", &iter2),
                    ("provider", &provider),
                    ("target", &target),
                ],
            );
            self.resources += 1;
        }
        self.resources += 4;
        let out_expr = if each_ref {
            format!("{{ for k, b in aws_s3_bucket.{n} : k => b.arn }}")
        } else {
            format!("aws_s3_bucket.{n}.arn")
        };
        self.outputs.push((format!("{n}_arn"), out_expr));
    }

    fn aws_instance(&mut self, out: &mut String) {
        let n = self.id("app");
        let provider = self.provider_line("aws");
        let ty = if self.root {
            "lookup(var.instance_types, var.environment, \"t3.micro\")"
        } else {
            "var.instance_type"
        };
        let w = self.word();
        fill(
            out,
            r#"resource "aws_instance" "@n@" {
  count = var.instance_count
@provider@
  ami                    = var.ami_id
  instance_type          = @ty@
  subnet_id              = element(var.subnet_ids, count.index)
  vpc_security_group_ids = var.security_group_ids
  monitoring             = true
  ebs_optimized          = true

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    volume_size = 50
    volume_type = "gp3"
    encrypted   = true
  }

  lifecycle {
    ignore_changes = [ami, user_data]
  }

  tags = merge(@tags@, {
    Name = "${@prefix@}-@w@-${count.index}"
    Role = "@w@"
  })
}

resource "aws_ebs_volume" "@n@_data" {
  count = var.instance_count
@provider@
  availability_zone = "${var.aws_region}a"
  size              = 100
  type              = "gp3"
  encrypted         = true
  tags              = @tags@
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("ty", ty),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("w", w),
            ],
        );
        self.resources += 2;
        self.outputs
            .push((format!("{n}_ids"), format!("aws_instance.{n}[*].id")));
    }

    fn aws_sg(&mut self, out: &mut String) {
        let n = self.id("sg");
        let provider = self.provider_line("aws");
        fill(
            out,
            r#"resource "aws_security_group" "@n@" {
@provider@  name        = "${@prefix@}-@n@"
  description = "Traffic for @n@"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.allowed_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = @tags@
}

resource "aws_vpc_endpoint" "@n@_s3" {
@provider@  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${var.aws_region}.s3"
  vpc_endpoint_type = "Gateway"
  tags              = @tags@
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
            ],
        );
        self.resources += 2;
        self.outputs
            .push((format!("{n}_id"), format!("aws_security_group.{n}.id")));
    }

    fn aws_db(&mut self, out: &mut String) {
        let n = self.id("db");
        let provider = self.provider_line("aws");
        let w = self.word();
        fill(
            out,
            r#"resource "aws_db_instance" "@n@" {
@provider@  identifier              = "${@prefix@}-@w@"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.r6g.large"
  allocated_storage       = 200
  storage_encrypted       = true
  kms_key_id              = var.kms_key_arn
  multi_az                = var.environment == "prod"
  backup_retention_period = var.environment == "prod" ? 30 : 7
  deletion_protection     = true
  skip_final_snapshot     = false
  username                = "app_@w@"
  manage_master_user_password = true

  tags = merge(@tags@, { Database = "@w@" })
}

resource "aws_dynamodb_table" "@n@_locks" {
@provider@  name         = "${@prefix@}-@w@-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = @tags@
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("w", w),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_endpoint"),
            format!("aws_db_instance.{n}.endpoint"),
        ));
    }

    fn aws_iam(&mut self, out: &mut String) {
        let n = self.id("role");
        let w = self.word();
        fill(
            out,
            r#"resource "aws_iam_role" "@n@" {
  name = "${@prefix@}-@w@"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })

  tags = @tags@
}

resource "aws_iam_role_policy" "@n@" {
  name = "@w@-access"
  role = aws_iam_role.@n@.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::${@prefix@}-@w@", "arn:aws:s3:::${@prefix@}-@w@/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      },
    ]
  })
}

resource "aws_kms_key" "@n@" {
  description             = "Key for @w@"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  tags                    = @tags@
}
"#,
            &[
                ("n", &n),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("w", w),
            ],
        );
        self.resources += 3;
        self.outputs
            .push((format!("{n}_arn"), format!("aws_iam_role.{n}.arn")));
    }

    fn aws_queue(&mut self, out: &mut String) {
        let n = self.id("queue");
        let provider = self.provider_line("aws");
        let w = self.word();
        fill(
            out,
            r#"resource "aws_sqs_queue" "@n@" {
@provider@  name                       = "${@prefix@}-@w@"
  visibility_timeout_seconds = 300
  message_retention_seconds  = 1209600
  sqs_managed_sse_enabled    = true
  tags                       = @tags@
}

resource "aws_sns_topic" "@n@" {
@provider@  name              = "${@prefix@}-@w@-alerts"
  kms_master_key_id = "alias/aws/sns"
  tags              = @tags@
}

resource "aws_cloudwatch_log_group" "@n@" {
@provider@  name              = "/app/${@prefix@}/@w@"
  retention_in_days = var.retention_days
  tags              = @tags@
}

resource "aws_cloudwatch_metric_alarm" "@n@_depth" {
@provider@  alarm_name          = "${@prefix@}-@w@-depth"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "ApproximateNumberOfMessagesVisible"
  namespace           = "AWS/SQS"
  period              = 300
  statistic           = "Average"
  threshold           = 1000
  alarm_actions       = [aws_sns_topic.@n@.arn]

  dimensions = {
    QueueName = aws_sqs_queue.@n@.name
  }
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("w", w),
            ],
        );
        self.resources += 4;
        self.outputs
            .push((format!("{n}_url"), format!("aws_sqs_queue.{n}.url")));
    }

    fn az_storage(&mut self, out: &mut String) {
        let n = self.id("st");
        let provider = self.provider_line("azurerm");
        // The alias `dr` lives elsewhere: use its own location and group.
        let (loc, rg) = if provider.contains(".dr") && self.root {
            (
                "azurerm_resource_group.dr.location",
                "azurerm_resource_group.dr.name",
            )
        } else {
            (self.az_loc(), self.az_rg())
        };
        let iter = if self.rng.chance(25) {
            format!("  for_each = {}\n\n", self.small_map())
        } else {
            String::new()
        };
        let name = if iter.is_empty() {
            format!("\"st{}{}\"", self.word(), self.seq)
        } else {
            format!("\"st{}${{each.key}}{}\"", self.word(), self.seq)
        };
        fill(
            out,
            r#"resource "azurerm_storage_account" "@n@" {
@iter@@provider@  name                            = @name@
  resource_group_name             = @rg@
  location                        = @loc@
  account_tier                    = "Standard"
  account_replication_type        = var.environment == "prod" ? "GRS" : "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = var.retention_days
    }
  }

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
    ip_rules       = var.allowed_cidrs
  }

  tags = @tags@
}
"#,
            &[
                ("n", &n),
                ("iter", &iter),
                ("provider", &provider),
                ("name", &name),
                ("rg", rg),
                ("loc", loc),
                ("tags", self.tags()),
            ],
        );
        if iter.is_empty() {
            fill(
                out,
                r#"
resource "azurerm_storage_container" "@n@" {
@provider@  name                  = "@w@"
  storage_account_id    = azurerm_storage_account.@n@.id
  container_access_type = "private"
}
"#,
                &[
                    ("n", &n),
                    ("provider", &provider),
                    ("w", self.rng.pick(WORDS)),
                ],
            );
            self.resources += 1;
            self.outputs
                .push((format!("{n}_id"), format!("azurerm_storage_account.{n}.id")));
        }
        self.resources += 1;
    }

    fn az_vm(&mut self, out: &mut String) {
        let n = self.id("vm");
        fill(
            out,
            r#"resource "azurerm_network_interface" "@n@" {
  name                = "nic-@n@"
  location            = @loc@
  resource_group_name = @rg@

  ip_configuration {
    name                          = "internal"
    subnet_id                     = var.subnet_id
    private_ip_address_allocation = "Dynamic"
  }

  tags = @tags@
}

resource "azurerm_linux_virtual_machine" "@n@" {
  name                  = "${@prefix@}-@n@"
  resource_group_name   = @rg@
  location              = azurerm_network_interface.@n@.location
  size                  = "Standard_D2s_v5"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.@n@.id]

  admin_ssh_key {
    username   = "azureuser"
    public_key = var.ssh_public_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }

  tags = @tags@
}
"#,
            &[
                ("n", &n),
                ("loc", self.az_loc()),
                ("rg", self.az_rg()),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_id"),
            format!("azurerm_linux_virtual_machine.{n}.id"),
        ));
    }

    fn az_network(&mut self, out: &mut String) {
        let n = self.id("vnet");
        fill(
            out,
            r#"resource "azurerm_virtual_network" "@n@" {
  name                = "vnet-${@prefix@}-@n@"
  address_space       = ["10.@a@.0.0/16"]
  location            = @loc@
  resource_group_name = @rg@
  tags                = @tags@
}

resource "azurerm_subnet" "@n@" {
  for_each = {
    app  = "10.@a@.1.0/24"
    data = "10.@a@.2.0/24"
  }

  name                 = "snet-${each.key}"
  resource_group_name  = @rg@
  virtual_network_name = azurerm_virtual_network.@n@.name
  address_prefixes     = [each.value]
}

resource "azurerm_network_security_group" "@n@" {
  name                = "nsg-@n@"
  location            = @loc@
  resource_group_name = @rg@

  security_rule {
    name                       = "allow-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  tags = @tags@
}
"#,
            &[
                ("n", &n),
                ("loc", self.az_loc()),
                ("rg", self.az_rg()),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("a", &format!("{}", self.seq % 250)),
            ],
        );
        self.resources += 3;
        self.outputs
            .push((format!("{n}_id"), format!("azurerm_virtual_network.{n}.id")));
    }

    fn az_db(&mut self, out: &mut String) {
        let n = self.id("pg");
        let provider = self.provider_line("azurerm");
        let loc = if provider.is_empty() || !self.root {
            self.az_loc()
        } else {
            "local.regions.azure.secondary"
        };
        fill(
            out,
            r#"resource "azurerm_postgresql_flexible_server" "@n@" {
@provider@  name                          = "psql-${@prefix@}-@n@"
  resource_group_name           = @rg@
  location                      = @loc@
  version                       = "16"
  sku_name                      = "GP_Standard_D2s_v3"
  storage_mb                    = 65536
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = var.environment == "prod"
  public_network_access_enabled = false
  zone                          = "1"

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = false
    tenant_id                     = @tenant@
  }

  tags = @tags@
}

resource "azurerm_postgresql_flexible_server_database" "@n@" {
@provider@  name      = "@w@"
  server_id = azurerm_postgresql_flexible_server.@n@.id
  collation = "en_US.utf8"
  charset   = "UTF8"
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("loc", loc),
                ("rg", self.az_rg()),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
                ("tenant", self.tenant()),
                ("w", self.rng.pick(WORDS)),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_fqdn"),
            format!("azurerm_postgresql_flexible_server.{n}.fqdn"),
        ));
    }

    fn az_keyvault(&mut self, out: &mut String) {
        let n = self.id("kv");
        fill(
            out,
            r#"resource "azurerm_key_vault" "@n@" {
  name                       = "kv-@n@-${var.environment}"
  location                   = @loc@
  resource_group_name        = @rg@
  tenant_id                  = @tenant@
  sku_name                   = "premium"
  soft_delete_retention_days = 90
  purge_protection_enabled   = true

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }

  tags = @tags@
}

resource "azurerm_user_assigned_identity" "@n@" {
  name                = "id-@n@"
  location            = @loc@
  resource_group_name = @rg@
  tags                = @tags@
}
"#,
            &[
                ("n", &n),
                ("loc", self.az_loc()),
                ("rg", self.az_rg()),
                ("tags", self.tags()),
                ("tenant", self.tenant()),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_uri"),
            format!("azurerm_key_vault.{n}.vault_uri"),
        ));
    }

    fn az_monitor(&mut self, out: &mut String) {
        let n = self.id("law");
        fill(
            out,
            r#"resource "azurerm_log_analytics_workspace" "@n@" {
  name                = "log-${@prefix@}-@n@"
  location            = @loc@
  resource_group_name = @rg@
  sku                 = "PerGB2018"
  retention_in_days   = var.retention_days
  tags                = @tags@
}

resource "azurerm_application_insights" "@n@" {
  name                = "appi-${@prefix@}-@n@"
  location            = azurerm_log_analytics_workspace.@n@.location
  resource_group_name = @rg@
  workspace_id        = azurerm_log_analytics_workspace.@n@.id
  application_type    = "web"
  tags                = @tags@
}
"#,
            &[
                ("n", &n),
                ("loc", self.az_loc()),
                ("rg", self.az_rg()),
                ("tags", self.tags()),
                ("prefix", self.prefix()),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_id"),
            format!("azurerm_log_analytics_workspace.{n}.id"),
        ));
    }

    fn gcp_bucket(&mut self, out: &mut String) {
        let n = self.id("gcs");
        let provider = self.provider_line("google");
        let region = self.gcp_region();
        let (iter, name) = if self.rng.chance(30) {
            (
                format!("  for_each = {}\n\n", self.small_map()),
                format!("\"${{{}}}-{}-${{each.key}}\"", self.prefix(), self.word()),
            )
        } else {
            (
                String::new(),
                format!("\"${{{}}}-{}\"", self.prefix(), self.word()),
            )
        };
        let labels = if self.root {
            "local.common_labels"
        } else {
            "var.labels"
        };
        fill(
            out,
            r#"resource "google_storage_bucket" "@n@" {
@iter@@provider@  name                        = @name@
  location                    = upper(@region@)
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = var.retention_days
    }
    action {
      type = "Delete"
    }
  }

  labels = @labels@
}
"#,
            &[
                ("n", &n),
                ("iter", &iter),
                ("provider", &provider),
                ("name", &name),
                ("region", region),
                ("labels", labels),
            ],
        );
        self.resources += 1;
        if iter.is_empty() {
            self.outputs
                .push((format!("{n}_url"), format!("google_storage_bucket.{n}.url")));
        }
    }

    fn gcp_instance(&mut self, out: &mut String) {
        let n = self.id("vm");
        let provider = self.provider_line("google");
        let region = self.gcp_region();
        let labels = if self.root {
            "local.common_labels"
        } else {
            "var.labels"
        };
        fill(
            out,
            r#"resource "google_compute_instance" "@n@" {
@provider@  count        = var.instance_count
  name         = "${@prefix@}-@n@-${count.index}"
  machine_type = "e2-standard-4"
  zone         = "${@region@}-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 50
    }
  }

  network_interface {
    subnetwork = var.subnetwork
  }

  shielded_instance_config {
    enable_secure_boot = true
  }

  labels = @labels@
}

resource "google_compute_disk" "@n@_data" {
@provider@  name = "${@prefix@}-@n@-data"
  type = "pd-ssd"
  zone = "${@region@}-c"
  size = 200
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("prefix", self.prefix()),
                ("region", region),
                ("labels", labels),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_self_links"),
            format!("google_compute_instance.{n}[*].self_link"),
        ));
    }

    fn gcp_network(&mut self, out: &mut String) {
        let n = self.id("net");
        let region = self.gcp_region();
        fill(
            out,
            r#"resource "google_compute_network" "@n@" {
  name                    = "${@prefix@}-@n@"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "@n@" {
  name                     = "${@prefix@}-@n@-main"
  ip_cidr_range            = "10.@a@.0.0/20"
  region                   = @region@
  network                  = google_compute_network.@n@.id
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_10_MIN"
    flow_sampling        = 0.5
  }
}

resource "google_compute_router" "@n@" {
  name    = "${@prefix@}-@n@-router"
  region  = google_compute_subnetwork.@n@.region
  network = google_compute_network.@n@.id
}
"#,
            &[
                ("n", &n),
                ("prefix", self.prefix()),
                ("region", region),
                ("a", &format!("{}", self.seq % 250)),
            ],
        );
        self.resources += 3;
        self.outputs
            .push((format!("{n}_id"), format!("google_compute_network.{n}.id")));
    }

    fn gcp_sql(&mut self, out: &mut String) {
        let n = self.id("sql");
        let provider = self.provider_line("google");
        let region = if self.root && !provider.is_empty() {
            "local.regions.gcp.secondary"
        } else {
            self.gcp_region()
        };
        fill(
            out,
            r#"resource "google_sql_database_instance" "@n@" {
@provider@  name                = "${@prefix@}-@n@"
  database_version    = "POSTGRES_16"
  region              = @region@
  deletion_protection = true

  settings {
    tier              = "db-custom-2-7680"
    availability_type = var.environment == "prod" ? "REGIONAL" : "ZONAL"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
    }
  }
}

resource "google_sql_database" "@n@" {
@provider@  name     = "@w@"
  instance = google_sql_database_instance.@n@.name
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("prefix", self.prefix()),
                ("region", region),
                ("w", self.rng.pick(WORDS)),
            ],
        );
        self.resources += 2;
        self.outputs.push((
            format!("{n}_conn"),
            format!("google_sql_database_instance.{n}.connection_name"),
        ));
    }

    fn gcp_kms(&mut self, out: &mut String) {
        let n = self.id("kms");
        let region = self.gcp_region();
        fill(
            out,
            r#"resource "google_kms_key_ring" "@n@" {
  name     = "${@prefix@}-@n@"
  location = @region@
}

resource "google_kms_crypto_key" "@n@" {
  name            = "@n@-key"
  key_ring        = google_kms_key_ring.@n@.id
  rotation_period = "7776000s"

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_service_account" "@n@" {
  account_id   = "sa-@n@"
  display_name = "Service account for @n@"
}
"#,
            &[("n", &n), ("prefix", self.prefix()), ("region", region)],
        );
        self.resources += 3;
        self.outputs.push((
            format!("{n}_email"),
            format!("google_service_account.{n}.email"),
        ));
    }

    fn gcp_pubsub(&mut self, out: &mut String) {
        let n = self.id("topic");
        let provider = self.provider_line("google");
        let labels = if self.root {
            "local.common_labels"
        } else {
            "var.labels"
        };
        let region = self.gcp_region();
        fill(
            out,
            r#"resource "google_pubsub_topic" "@n@" {
@provider@  name   = "${@prefix@}-@n@"
  labels = @labels@

  message_storage_policy {
    allowed_persistence_regions = [@region@]
  }
}

resource "google_pubsub_subscription" "@n@" {
@provider@  name                 = "${@prefix@}-@n@-sub"
  topic                = google_pubsub_topic.@n@.id
  ack_deadline_seconds = 60
  labels               = @labels@

  retry_policy {
    minimum_backoff = "10s"
  }
}
"#,
            &[
                ("n", &n),
                ("provider", &provider),
                ("prefix", self.prefix()),
                ("labels", labels),
                ("region", region),
            ],
        );
        self.resources += 2;
        self.outputs
            .push((format!("{n}_id"), format!("google_pubsub_topic.{n}.id")));
    }
}

// ---------------------------------------------------------------- shared modules

struct SharedModule {
    name: String,
    aws: bool,
    azure: bool,
    gcp: bool,
    /// Calls other shared modules (`platform-*`).
    children: Vec<String>,
}

fn shared_modules() -> Vec<SharedModule> {
    let mut out = Vec::new();
    let kinds: &[(&str, bool, bool, bool)] = &[
        ("aws-storage", true, false, false),
        ("aws-network", true, false, false),
        ("aws-compute", true, false, false),
        ("aws-queue", true, false, false),
        ("azure-storage", false, true, false),
        ("azure-network", false, true, false),
        ("azure-app", false, true, false),
        ("gcp-data", false, false, true),
        ("gcp-compute", false, false, true),
        ("gcp-network", false, false, true),
    ];
    for v in 1..=2 {
        for (k, aws, azure, gcp) in kinds {
            out.push(SharedModule {
                name: format!("{k}-v{v}"),
                aws: *aws,
                azure: *azure,
                gcp: *gcp,
                children: Vec::new(),
            });
        }
    }
    for v in 1..=2 {
        out.push(SharedModule {
            name: format!("platform-v{v}"),
            aws: true,
            azure: false,
            gcp: true,
            children: vec![format!("aws-storage-v{v}"), format!("gcp-data-v{v}")],
        });
    }
    out
}

const MODULE_VARIABLES: &[(&str, &str, &str)] = &[
    ("name", "string", "\"shared\""),
    ("environment", "string", "\"dev\""),
    ("tags", "map(string)", "{}"),
    ("labels", "map(string)", "{}"),
    ("location", "string", "\"francecentral\""),
    ("resource_group_name", "string", "\"rg-shared\""),
    (
        "tenant_id",
        "string",
        "\"00000000-0000-0000-0000-000000000000\"",
    ),
    ("region", "string", "\"europe-west9\""),
    ("aws_region", "string", "\"eu-west-3\""),
    (
        "buckets",
        "map(string)",
        "{\n    logs = \"standard\"\n    data = \"standard\"\n  }",
    ),
    ("instance_count", "number", "2"),
    ("instance_type", "string", "\"t3.medium\""),
    ("ami_id", "string", "\"ami-0123456789abcdef0\""),
    ("subnet_ids", "list(string)", "[\"subnet-a\", \"subnet-b\"]"),
    ("security_group_ids", "list(string)", "[]"),
    ("vpc_id", "string", "\"vpc-0123456789\""),
    ("allowed_ports", "list(number)", "[443, 8443]"),
    ("allowed_cidrs", "list(string)", "[]"),
    ("kms_key_arn", "string", "null"),
    ("retention_days", "number", "30"),
    ("subnet_id", "string", "null"),
    ("ssh_public_key", "string", "\"ssh-ed25519 AAAA...\""),
    ("subnetwork", "string", "null"),
    ("network_id", "string", "null"),
];

fn write_shared_module(dir: &Path, m: &SharedModule, seed: u64, w: &mut Writer) -> io::Result<()> {
    let mut rng = Rng::new(seed ^ hash(&m.name));
    let d = dir.join("modules").join(&m.name);
    std::fs::create_dir_all(&d)?;

    // versions.tf
    let mut s = String::new();
    header(
        &mut s,
        &mut rng,
        &format!("Module {}: provider requirements.", m.name),
    );
    s.push_str("terraform {\n  required_version = \">= 1.5.0\"\n\n  required_providers {\n");
    if m.aws {
        if m.children.is_empty() {
            s.push_str("    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n");
        } else {
            s.push_str("    aws = {\n      source                = \"hashicorp/aws\"\n      version               = \">= 5.0\"\n      configuration_aliases = [aws.replica]\n    }\n");
        }
    }
    if m.azure {
        s.push_str("    azurerm = {\n      source  = \"hashicorp/azurerm\"\n      version = \">= 4.0\"\n    }\n");
    }
    if m.gcp {
        s.push_str("    google = {\n      source  = \"hashicorp/google\"\n      version = \">= 6.0\"\n    }\n");
    }
    s.push_str("  }\n}\n");
    w.write(&d.join("versions.tf"), &s)?;

    // variables.tf
    let mut s = String::new();
    header(&mut s, &mut rng, &format!("Module {}: inputs.", m.name));
    for (name, ty, default) in MODULE_VARIABLES {
        let _ = writeln!(
            s,
            "variable \"{name}\" {{\n  description = \"The {} of the resources created by this module.\"\n  type        = {ty}\n  default     = {default}\n}}\n",
            name.replace('_', " ")
        );
    }
    w.write(&d.join("variables.tf"), &s)?;

    // main.tf (+ resources.tf)
    let mut ctx = Ctx {
        rng: &mut rng,
        root: false,
        aws: m.aws,
        azure: m.azure,
        gcp: m.gcp,
        aws_aliases: Vec::new(),
        azure_aliases: Vec::new(),
        gcp_aliases: Vec::new(),
        seq: 0,
        resources: 0,
        outputs: Vec::new(),
    };
    if !m.children.is_empty() {
        ctx.aws_aliases.push("replica");
    }
    let kinds = [
        "storage",
        "compute",
        "network",
        "database",
        "iam",
        "monitoring",
    ];
    for file in ["main.tf", "resources.tf"] {
        let mut s = String::new();
        header(&mut s, ctx.rng, &format!("Module {}: {file}.", m.name));
        if file == "main.tf" {
            for (i, child) in m.children.iter().enumerate() {
                let provider = if child.starts_with("aws") {
                    "  providers = {\n    aws = aws.replica\n  }\n"
                } else {
                    "  providers = {\n    google = google\n  }\n"
                };
                let _ = writeln!(
                    s,
                    "module \"child_{i}\" {{\n  source    = \"../{child}\"\n{provider}\n  name        = \"${{var.name}}-{i}\"\n  environment = var.environment\n  tags        = var.tags\n  labels      = var.labels\n  region      = var.region\n  buckets     = var.buckets\n}}\n"
                );
                w.stats.module_calls += 1;
            }
        }
        let target = ctx.rng.size(3_000, 16_000, 1.5);
        while s.len() < target {
            let k = kinds[ctx.rng.below(kinds.len())];
            ctx.block(&mut s, k);
        }
        w.write(&d.join(file), &s)?;
    }
    w.stats.resource_blocks += ctx.resources;

    // outputs.tf
    let mut s = String::new();
    header(&mut s, ctx.rng, &format!("Module {}: outputs.", m.name));
    for (name, expr) in &ctx.outputs {
        let _ = writeln!(s, "output \"{name}\" {{\n  value = {expr}\n}}\n");
    }
    w.write(&d.join("outputs.tf"), &s)?;
    w.stats.modules += 1;
    Ok(())
}

// ---------------------------------------------------------------- root modules

struct Env {
    name: String,
    stage: &'static str,
    project: String,
    aws: bool,
    azure: bool,
    gcp: bool,
    aws_region: &'static str,
    az_location: &'static str,
    gcp_region: &'static str,
}

fn env(i: usize, rng: &mut Rng) -> Env {
    let team = rng.pick(TEAMS);
    let app = rng.pick(APPS);
    let stage = rng.pick(STAGES);
    let (mut aws, azure, gcp) = (rng.chance(75), rng.chance(50), rng.chance(50));
    if !(aws || azure || gcp) {
        aws = true;
    }
    Env {
        name: format!("{team}-{app}-{stage}-{i:03}"),
        stage,
        project: format!("{team}-{app}"),
        aws,
        azure,
        gcp,
        aws_region: rng.pick(AWS_REGIONS),
        az_location: rng.pick(AZ_LOCATIONS),
        gcp_region: rng.pick(GCP_REGIONS),
    }
}

fn write_root(
    dir: &Path,
    i: usize,
    seed: u64,
    modules: &[SharedModule],
    w: &mut Writer,
) -> io::Result<()> {
    let mut rng = Rng::new(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let e = env(i, &mut rng);
    let d = dir.join("envs").join(&e.name);
    std::fs::create_dir_all(&d)?;

    // providers.tf
    let mut s = String::new();
    header(
        &mut s,
        &mut rng,
        &format!("{}: providers and backend.", e.name),
    );
    s.push_str("terraform {\n  required_version = \">= 1.5.0\"\n\n  required_providers {\n");
    if e.aws {
        s.push_str(
            "    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.60\"\n    }\n",
        );
    }
    if e.azure {
        s.push_str("    azurerm = {\n      source  = \"hashicorp/azurerm\"\n      version = \"~> 4.10\"\n    }\n");
    }
    if e.gcp {
        s.push_str("    google = {\n      source  = \"hashicorp/google\"\n      version = \"~> 6.8\"\n    }\n");
    }
    let _ = writeln!(
        s,
        "  }}\n\n  backend \"s3\" {{\n    bucket         = \"example-tfstate\"\n    key            = \"envs/{}/terraform.tfstate\"\n    region         = \"eu-west-3\"\n    dynamodb_table = \"tfstate-locks\"\n    encrypt        = true\n  }}\n}}\n",
        e.name
    );
    if e.aws {
        s.push_str(
            r#"provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.common_tags
  }
}

# Replica region for disaster recovery, derived from the primary one.
provider "aws" {
  alias  = "replica"
  region = lookup(local.replica_regions, var.aws_region, "eu-central-1")

  default_tags {
    tags = local.common_tags
  }
}

# Global services (CloudFront certificates, billing alarms) live in us-east-1.
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

"#,
        );
    }
    if e.azure {
        s.push_str(
            r#"provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

provider "azurerm" {
  alias           = "dr"
  subscription_id = var.dr_subscription_id

  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
}

"#,
        );
    }
    if e.gcp {
        s.push_str(
            r#"provider "google" {
  project = var.gcp_project
  region  = var.gcp_region
}

provider "google" {
  alias   = "eu"
  project = var.gcp_project
  region  = local.regions.gcp.secondary
}

"#,
        );
    }
    w.write(&d.join("providers.tf"), &s)?;

    // variables.tf
    let mut s = String::new();
    header(&mut s, &mut rng, &format!("{}: input variables.", e.name));
    let mut vars: Vec<(String, &str, String)> = vec![
        ("environment".into(), "string", "\"dev\"".into()),
        ("project".into(), "string", format!("\"{}\"", e.project)),
        ("aws_region".into(), "string", "\"eu-west-3\"".into()),
        ("azure_location".into(), "string", "\"francecentral\"".into()),
        ("gcp_region".into(), "string", "\"europe-west9\"".into()),
        ("gcp_project".into(), "string", format!("\"{}-{}\"", e.project, e.stage)),
        ("subscription_id".into(), "string", "\"00000000-0000-0000-0000-000000000001\"".into()),
        ("dr_subscription_id".into(), "string", "\"00000000-0000-0000-0000-000000000002\"".into()),
        ("instance_count".into(), "number", "1".into()),
        (
            "instance_types".into(),
            "map(string)",
            "{\n    dev     = \"t3.small\"\n    staging = \"t3.medium\"\n    prod    = \"m6i.large\"\n  }".into(),
        ),
        ("allowed_ports".into(), "list(number)", "[443]".into()),
        ("allowed_cidrs".into(), "list(string)", "[\"203.0.113.0/24\"]".into()),
        ("extra_tags".into(), "map(string)", "{}".into()),
        ("retention_days".into(), "number", "30".into()),
        ("kms_key_arn".into(), "string", "null".into()),
        ("ami_id".into(), "string", "\"ami-0123456789abcdef0\"".into()),
        ("subnet_ids".into(), "list(string)", "[\"subnet-a\", \"subnet-b\"]".into()),
        ("security_group_ids".into(), "list(string)", "[]".into()),
        ("vpc_id".into(), "string", "\"vpc-0123456789\"".into()),
        ("subnet_id".into(), "string", "null".into()),
        ("ssh_public_key".into(), "string", "\"ssh-ed25519 AAAA...\"".into()),
        ("subnetwork".into(), "string", "null".into()),
        ("network_id".into(), "string", "null".into()),
        ("enable_network".into(), "bool", "true".into()),
    ];
    for f in 0..rng.range(2, 30) {
        vars.push((
            format!("feature_{}_{f}", rng.pick(WORDS)),
            "bool",
            "false".into(),
        ));
    }
    for (name, ty, default) in &vars {
        let _ = writeln!(
            s,
            "variable \"{name}\" {{\n  description = \"{} for this environment.\"\n  type        = {ty}\n  default     = {default}\n}}\n",
            name.replace('_', " ")
        );
    }
    s.push_str("variable \"environment_check\" {\n  type    = string\n  default = \"ok\"\n\n  validation {\n    condition     = contains([\"ok\", \"skip\"], var.environment_check)\n    error_message = \"Must be ok or skip.\"\n  }\n}\n");
    w.write(&d.join("variables.tf"), &s)?;

    // terraform.tfvars
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Values for {}.\n\nenvironment    = \"{}\"\naws_region     = \"{}\"\nazure_location = \"{}\"\ngcp_region     = \"{}\"\ninstance_count = {}\nretention_days = {}\nallowed_ports  = [443, 8443]\n\nextra_tags = {{\n  Owner      = \"team-{}\"\n  Compliance = \"{}\"\n}}",
        e.name,
        e.stage,
        e.aws_region,
        e.az_location,
        e.gcp_region,
        rng.range(1, 3),
        [7, 30, 90, 365][rng.below(4)],
        e.project,
        if rng.chance(50) { "gdpr" } else { "none" }
    );
    w.write(&d.join("terraform.tfvars"), &s)?;
    w.stats.tfvars_files += 1;

    // locals.tf
    let mut s = String::new();
    header(&mut s, &mut rng, &format!("{}: derived values.", e.name));
    let nb = rng.range(2, 3);
    let mut buckets = String::new();
    for b in 0..nb {
        let _ = writeln!(
            buckets,
            "    {}{b} = \"{}\"",
            rng.pick(WORDS),
            ["standard", "archive", "hot"][b % 3]
        );
    }
    let _ = writeln!(
        s,
        r#"locals {{
  name_prefix = "${{var.project}}-${{var.environment}}"

  regions = {{
    aws = {{
      primary   = var.aws_region
      secondary = lookup(local.replica_regions, var.aws_region, "eu-central-1")
    }}
    azure = {{
      primary   = var.azure_location
      secondary = lookup(local.azure_pairs, var.azure_location, "westeurope")
    }}
    gcp = {{
      primary   = var.gcp_region
      secondary = "europe-west4"
    }}
  }}

  replica_regions = {{
    "eu-west-3"      = "eu-west-1"
    "eu-west-1"      = "eu-central-1"
    "eu-central-1"   = "eu-west-1"
    "eu-north-1"     = "eu-central-1"
    "eu-south-1"     = "eu-central-1"
    "us-east-1"      = "us-west-2"
    "us-west-2"      = "us-east-1"
    "ap-southeast-1" = "ap-southeast-2"
  }}

  azure_pairs = {{
    francecentral      = "francesouth"
    westeurope         = "northeurope"
    northeurope        = "westeurope"
    germanywestcentral = "germanynorth"
    swedencentral      = "swedensouth"
    uksouth            = "ukwest"
    eastus             = "westus"
  }}

  common_tags = merge(var.extra_tags, {{
    Environment = var.environment
    Project     = var.project
    ManagedBy   = "terraform"
    Stack       = "{name}"
  }})

  common_labels = {{
    environment = var.environment
    project     = replace(var.project, "_", "-")
    managed-by  = "terraform"
  }}

  buckets = {{
{buckets}  }}

  datasets = {{
    eu = {{ region = "europe-west1" }}
    fr = {{ region = lookup({{ prod = "europe-west9" }}, var.environment, var.gcp_region) }}
  }}

  retention = var.environment == "prod" ? max(var.retention_days, 90) : var.retention_days
}}
"#,
        name = e.name,
    );
    let extra = rng.range(0, 20);
    if extra > 0 {
        s.push_str("\nlocals {\n");
        for x in 0..extra {
            let _ = writeln!(
                s,
                "  {w}_{x}_name = format(\"%s-%s-%02d\", local.name_prefix, \"{w}\", {x})",
                w = rng.pick(WORDS)
            );
        }
        s.push_str("}\n");
    }
    w.write(&d.join("locals.tf"), &s)?;

    // data.tf
    let mut s = String::new();
    header(&mut s, &mut rng, &format!("{}: data sources.", e.name));
    if e.aws {
        s.push_str("data \"aws_caller_identity\" \"current\" {}\n\ndata \"aws_region\" \"current\" {}\n\ndata \"aws_availability_zones\" \"available\" {\n  state = \"available\"\n}\n\n");
    }
    if e.azure {
        s.push_str("data \"azurerm_client_config\" \"current\" {}\n\n");
    }
    if e.gcp {
        s.push_str("data \"google_project\" \"this\" {\n  project_id = var.gcp_project\n}\n\ndata \"google_compute_zones\" \"available\" {\n  region = var.gcp_region\n}\n\n");
    }
    w.write(&d.join("data.tf"), &s)?;

    // Resource files.
    let mut ctx = Ctx {
        rng: &mut rng,
        root: true,
        aws: e.aws,
        azure: e.azure,
        gcp: e.gcp,
        aws_aliases: if e.aws {
            vec!["replica", "us"]
        } else {
            Vec::new()
        },
        azure_aliases: if e.azure { vec!["dr"] } else { Vec::new() },
        gcp_aliases: if e.gcp { vec!["eu"] } else { Vec::new() },
        seq: 0,
        resources: 0,
        outputs: Vec::new(),
    };
    let files: &[(&str, &[&str], usize, usize)] = &[
        ("main.tf", &["storage", "compute", "network"], 2_500, 20_000),
        ("storage.tf", &["storage"], 1_000, 20_000),
        ("compute.tf", &["compute"], 1_000, 20_000),
        ("network.tf", &["network"], 1_000, 16_000),
        ("database.tf", &["database"], 1_000, 16_000),
        ("iam.tf", &["iam"], 1_000, 12_000),
        ("monitoring.tf", &["monitoring"], 1_000, 12_000),
    ];
    for (file, kinds, lo, hi) in files {
        let mut s = String::new();
        header(
            &mut s,
            ctx.rng,
            &format!("{}: {}.", e.name, file.trim_end_matches(".tf")),
        );
        if *file == "main.tf" && e.azure {
            s.push_str(
                r#"resource "azurerm_resource_group" "rg" {
  name     = "rg-${local.name_prefix}"
  location = local.regions.azure.primary
  tags     = local.common_tags
}

resource "azurerm_resource_group" "dr" {
  provider = azurerm.dr
  name     = "rg-${local.name_prefix}-dr"
  location = local.regions.azure.secondary
  tags     = local.common_tags
}

"#,
            );
            ctx.resources += 2;
        }
        let target = ctx.rng.size(*lo, *hi, 2.2);
        while s.len() < target {
            let k = kinds[ctx.rng.below(kinds.len())];
            ctx.block(&mut s, k);
        }
        w.write(&d.join(file), &s)?;
    }
    w.stats.resource_blocks += ctx.resources;

    // modules.tf
    let mut s = String::new();
    header(&mut s, ctx.rng, &format!("{}: shared modules.", e.name));
    let usable: Vec<&SharedModule> = modules
        .iter()
        .filter(|m| (!m.aws || e.aws) && (!m.azure || e.azure) && (!m.gcp || e.gcp))
        .collect();
    let ncalls = ctx.rng.range(2, 6);
    for c in 0..ncalls {
        let m = ctx.rng.pick(&usable);
        let _ = writeln!(
            s,
            "module \"{}_{c}\" {{\n  source = \"../../modules/{}\"",
            m.name.replace('-', "_"),
            m.name
        );
        // Iteration.
        let iter = ctx.rng.below(5);
        let each = match iter {
            0 => {
                s.push_str("  for_each = local.datasets\n");
                true
            }
            1 => {
                s.push_str("  count    = var.enable_network ? 1 : 0\n");
                false
            }
            _ => false,
        };
        // Providers.
        let mut p = Vec::new();
        if m.aws {
            if !m.children.is_empty() {
                p.push("    aws         = aws\n    aws.replica = aws.replica\n    google      = google\n");
            } else if ctx.rng.chance(40) {
                p.push("    aws = aws.replica\n");
            } else if ctx.rng.chance(20) {
                p.push("    aws = aws.us\n");
            }
        }
        if m.azure && ctx.rng.chance(40) {
            p.push("    azurerm = azurerm.dr\n");
        }
        if m.gcp && m.children.is_empty() && ctx.rng.chance(40) {
            p.push("    google = google.eu\n");
        }
        if !p.is_empty() {
            s.push_str("\n  providers = {\n");
            for x in p {
                s.push_str(x);
            }
            s.push_str("  }\n");
        }
        let name = if each {
            format!("\"${{local.name_prefix}}-{c}-${{each.key}}\"")
        } else {
            format!("\"${{local.name_prefix}}-{c}\"")
        };
        let _ = writeln!(
            s,
            "\n  name        = {name}\n  environment = var.environment\n  tags        = local.common_tags\n  labels      = local.common_labels"
        );
        if m.azure {
            s.push_str("  location            = azurerm_resource_group.rg.location\n  resource_group_name = azurerm_resource_group.rg.name\n  tenant_id           = data.azurerm_client_config.current.tenant_id\n");
        }
        if m.gcp {
            if each {
                s.push_str("  region      = each.value.region\n");
            } else {
                s.push_str("  region      = local.regions.gcp.primary\n");
            }
        }
        if m.aws {
            s.push_str("  aws_region  = var.aws_region\n  buckets     = local.buckets\n");
        }
        s.push_str("}\n\n");
        w.stats.module_calls += 1;
    }
    w.write(&d.join("modules.tf"), &s)?;

    // outputs.tf
    let mut s = String::new();
    header(&mut s, ctx.rng, &format!("{}: outputs.", e.name));
    let n = ctx.outputs.len().min(ctx.rng.range(6, 24));
    for (name, expr) in ctx.outputs.iter().take(n) {
        let _ = writeln!(
            s,
            "output \"{name}\" {{\n  description = \"{} of the stack.\"\n  value       = {expr}\n}}\n",
            name.replace('_', " ")
        );
    }
    w.write(&d.join("outputs.tf"), &s)?;
    w.stats.roots += 1;
    Ok(())
}

// ---------------------------------------------------------------- driver

const MIN_FILE: usize = 1024;

struct Writer {
    stats: Stats,
}

impl Writer {
    fn write(&mut self, path: &Path, text: &str) -> io::Result<()> {
        // Real files under 1 KB are rare: pad small ones with notes.
        let mut padded;
        let mut text = text;
        if text.len() < MIN_FILE {
            padded = text.to_string();
            padded.push_str("\n# Notes:\n");
            let mut k = text.len();
            while padded.len() < MIN_FILE {
                k = k.wrapping_mul(31).wrapping_add(7);
                padded.push_str("# - ");
                padded.push_str(COMMENTS[k % COMMENTS.len()]);
                padded.push('\n');
            }
            text = &padded;
        }
        std::fs::write(path, text)?;
        let n = text.len() as u64;
        if path.extension().is_some_and(|e| e == "tf") {
            self.stats.tf_files += 1;
            self.stats.tf_bytes += n;
        }
        self.stats.bytes += n;
        if self.stats.min_file == 0 || n < self.stats.min_file {
            self.stats.min_file = n;
        }
        self.stats.max_file = self.stats.max_file.max(n);
        Ok(())
    }
}

fn hash(s: &str) -> u64 {
    // FNV-1a.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

pub fn stamp_text(cfg: &Config) -> String {
    format!(
        "cercle bench corpus v{VERSION} seed={:#x} roots={}\n",
        cfg.seed, cfg.roots
    )
}

/// Empties `dir` if it is a corpus we wrote; refuses to touch any other
/// non-empty directory.
pub fn prepare_dir(dir: &Path) -> io::Result<()> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)?.next().is_some();
        if non_empty {
            if !dir.join(STAMP).is_file() {
                return Err(io::Error::other(format!(
                    "{} exists, is not empty and is not a cercle bench corpus (no {STAMP}): refusing to overwrite it",
                    dir.display()
                )));
            }
            std::fs::remove_dir_all(dir)?;
        }
    }
    std::fs::create_dir_all(dir)
}

/// Writes the corpus into `dir` (wiping a previous corpus there).
pub fn generate(dir: &Path, cfg: &Config) -> io::Result<Stats> {
    prepare_dir(dir)?;
    std::fs::write(dir.join(STAMP), stamp_text(cfg))?;
    let mut w = Writer {
        stats: Stats::default(),
    };
    let modules = shared_modules();
    for m in &modules {
        write_shared_module(dir, m, cfg.seed, &mut w)?;
    }
    for i in 0..cfg.roots {
        write_root(dir, i, cfg.seed, &modules, &mut w)?;
    }
    Ok(w.stats)
}

/// The default corpus directory: `<target dir>/cercle-bench-corpus`, found
/// from the bench executable (`<target>/<profile>/deps/<bench>`).
pub fn default_dir() -> PathBuf {
    if let Ok(exe) = std::env::current_exe()
        && let Some(target) = exe
            .parent()
            .and_then(|d| d.parent())
            .and_then(|d| d.parent())
    {
        return target.join("cercle-bench-corpus");
    }
    std::env::temp_dir().join("cercle-bench-corpus")
}
