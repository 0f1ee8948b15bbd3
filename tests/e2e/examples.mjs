// Terraform examples used by the e2e tests, with what their TypeScript output must contain.
// `expect`: substrings of the output; `providers`: the provider cache keys the example needs.

import { SAMPLES } from '../../www/samples.js';

export const GOOD_EXAMPLES = [
  {
    id: 'aws-bucket',
    files: {
      'main.tf': `resource "aws_s3_bucket" "site" {
  bucket = "my-site-bucket"
}

output "bucket_name" {
  value = aws_s3_bucket.site.bucket
}
`,
    },
    providers: ['aws'],
    expect: ['import * as aws from "@pulumi/aws"', 'new aws.s3.Bucket("', 'export const '],
  },
  {
    id: 'aws-instance',
    files: {
      'variables.tf': `variable "instance_type" {
  type    = string
  default = "t3.micro"
}
`,
      'main.tf': `resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
}

output "public_ip" {
  value = aws_instance.web.public_ip
}
`,
    },
    providers: ['aws'],
    expect: ['import * as aws from "@pulumi/aws"', 'new aws.ec2.Instance("', 'export const '],
  },
  {
    id: 'gcp-network',
    files: {
      'main.tf': `resource "google_compute_network" "vpc" {
  name                    = "vpc"
  auto_create_subnetworks = false
}

output "network_id" {
  value = google_compute_network.vpc.id
}
`,
    },
    providers: ['google'],
    expect: ['import * as gcp from "@pulumi/gcp"', 'new gcp.compute.Network("', 'export const '],
  },
  {
    // The playground's own sample, so the page's first impression is tested as shipped.
    ...SAMPLES.find((sample) => sample.id === 'random-pet'),
    providers: ['random'],
    expect: ['import * as random from "@pulumi/random"', 'new random.RandomPet("', 'export const '],
  },
  {
    id: 'azure-group',
    files: {
      'main.tf': `resource "azurerm_resource_group" "rg" {
  name     = "example-rg"
  location = "westeurope"
}

output "group_name" {
  value = azurerm_resource_group.rg.name
}
`,
    },
    providers: ['azurerm'],
    expect: ['import * as azure from "@pulumi/azure"', 'new azure.core.ResourceGroup("', 'export const '],
  },
  {
    id: 'k8s-namespace',
    files: {
      'main.tf': `resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}

output "namespace" {
  value = kubernetes_namespace.apps.metadata[0].name
}
`,
    },
    providers: ['kubernetes'],
    expect: [
      'import * as k8s from "@pulumi/kubernetes"',
      'new k8s.core.v1.Namespace("',
      'export const ',
    ],
  },
  {
    id: 'random-suffix-bucket',
    files: {
      'main.tf': `resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-\${random_id.suffix.hex}"
}

output "logs_bucket" {
  value = aws_s3_bucket.logs.bucket
}
`,
    },
    providers: ['aws', 'random'],
    expect: [
      'import * as aws from "@pulumi/aws"',
      'import * as random from "@pulumi/random"',
      'new random.RandomId("',
      'new aws.s3.Bucket("',
      'export const ',
    ],
  },
];

/** Invalid HCL: the attribute on line 3 has no value. */
export const BAD_EXAMPLE = {
  id: 'broken-hcl',
  files: {
    'main.tf': `resource "aws_s3_bucket" "broken" {
  bucket = "oops"
  acl =
}
`,
  },
  errorFile: 'main.tf',
  errorLine: 3,
};

export const ALL_PROVIDERS = [...new Set(GOOD_EXAMPLES.flatMap((e) => e.providers))].sort();
