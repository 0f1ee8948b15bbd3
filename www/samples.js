// The examples the playground starts with: each is { id, files: { path: text } }.
export const SAMPLES = [
  {
    id: 'aws-s3-bucket',
    files: {
      'main.tf': `provider "aws" {
  region = "us-west-2"
}

resource "aws_s3_bucket" "site" {
  bucket = "my-site-bucket"

  tags = {
    Environment = "dev"
  }
}

output "bucket_name" {
  value = aws_s3_bucket.site.bucket
}
`,
    },
  },
  {
    id: 'gcp-instance',
    files: {
      'variables.tf': `variable "zone" {
  type    = string
  default = "us-central1-a"
}

variable "machine_type" {
  type        = string
  default     = "e2-micro"
  description = "The machine type of the VM"
}
`,
      'main.tf': `resource "google_compute_instance" "vm" {
  name         = "web-1"
  machine_type = var.machine_type
  zone         = var.zone

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }
}

output "instance_id" {
  value = google_compute_instance.vm.instance_id
}
`,
    },
  },
  {
    id: 'random-pet',
    files: {
      'main.tf': `locals {
  prefix = "demo"
}

resource "random_pet" "name" {
  length = 2
}

output "greeting" {
  value = "Hello, \${local.prefix}-\${random_pet.name.id}!"
}
`,
    },
  },
];

export const NEW_EXAMPLE_TEXT = `resource "random_id" "suffix" {
  byte_length = 4
}

output "suffix" {
  value = random_id.suffix.hex
}
`;
