// The gallery of built-in examples, written for this project in the style of real Terraform code.
// Each is { id, title, description, files: { path: text } }. `DEFAULT_IDS` are the tabs a first visit opens.

const hello = {
  id: 'random-pet',
  title: 'Hello, random pet',
  description: 'The smallest useful example: a local, a resource and an interpolated output.',
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
};

const vpc = {
  id: 'aws-vpc',
  title: 'AWS VPC with subnets',
  description: 'A VPC, public and private subnets spread over availability zones with count, an internet gateway and a route table.',
  files: {
    'variables.tf': `variable "name" {
  description = "Name prefix for every resource"
  type        = string
  default     = "playground"
}

variable "cidr_block" {
  description = "CIDR range of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "How many availability zones to spread the subnets over"
  type        = number
  default     = 2
}
`,
    'main.tf': `provider "aws" {
  region = "eu-west-1"
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block           = var.cidr_block
  enable_dns_hostnames = true
  enable_dns_support   = true

  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "public" {
  count                   = var.az_count
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.cidr_block, 8, count.index)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = true

  tags = {
    Name = "\${var.name}-public-\${count.index}"
    Tier = "public"
  }
}

resource "aws_subnet" "private" {
  count             = var.az_count
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.cidr_block, 8, count.index + 10)
  availability_zone = data.aws_availability_zones.available.names[count.index]

  tags = {
    Name = "\${var.name}-private-\${count.index}"
    Tier = "private"
  }
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
`,
    'outputs.tf': `output "vpc_id" {
  value = aws_vpc.main.id
}

output "public_subnet_ids" {
  value = aws_subnet.public[*].id
}
`,
  },
};

const staticSite = {
  id: 's3-static-site',
  title: 'S3 static website',
  description: 'A bucket with a random suffix, website hosting and an index page uploaded as an object.',
  files: {
    'main.tf': `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "site_name" {
  type    = string
  default = "my-static-site"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_s3_bucket" "site" {
  bucket        = "\${var.site_name}-\${random_id.suffix.hex}"
  force_destroy = true

  tags = {
    Project = var.site_name
  }
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  index_document {
    suffix = "index.html"
  }

  error_document {
    key = "404.html"
  }
}

resource "aws_s3_object" "index" {
  bucket       = aws_s3_bucket.site.id
  key          = "index.html"
  content      = "<h1>Hello from \${var.site_name}</h1>"
  content_type = "text/html"
}

output "website_endpoint" {
  value = aws_s3_bucket_website_configuration.site.website_endpoint
}
`,
  },
};

const lambdaApi = {
  id: 'lambda-api',
  title: 'AWS Lambda behind an HTTP API',
  description: 'An IAM role, a Lambda function and an API Gateway v2 HTTP API that invokes it.',
  files: {
    'main.tf': `locals {
  function_name = "hello-api"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "\${local.function_name}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_lambda_function" "hello" {
  function_name = local.function_name
  role          = aws_iam_role.lambda.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "lambda.zip"
  timeout       = 10

  environment {
    variables = {
      GREETING = "hello"
    }
  }
}

resource "aws_apigatewayv2_api" "http" {
  name          = "\${local.function_name}-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.hello.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "get" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /hello"
  target    = "integrations/\${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hello.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${aws_apigatewayv2_api.http.execution_arn}/*/*"
}

output "url" {
  value = "\${aws_apigatewayv2_stage.default.invoke_url}/hello"
}
`,
  },
};

const gke = {
  id: 'gke-cluster',
  title: 'Google Kubernetes Engine',
  description: 'A VPC-native GKE cluster without its default pool, plus a separately managed node pool.',
  files: {
    'main.tf': `variable "project" {
  type = string
}

variable "region" {
  type    = string
  default = "europe-west1"
}

resource "google_compute_network" "vpc" {
  name                    = "gke-vpc"
  project                 = var.project
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "nodes" {
  name          = "gke-nodes"
  project       = var.project
  region        = var.region
  network       = google_compute_network.vpc.id
  ip_cidr_range = "10.10.0.0/20"
}

resource "google_container_cluster" "primary" {
  name                     = "playground-gke"
  project                  = var.project
  location                 = var.region
  network                  = google_compute_network.vpc.name
  subnetwork               = google_compute_subnetwork.nodes.name
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = false
}

resource "google_container_node_pool" "general" {
  name       = "general"
  project    = var.project
  location   = var.region
  cluster    = google_container_cluster.primary.name
  node_count = 2

  node_config {
    machine_type = "e2-standard-4"
    disk_size_gb = 50
    oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]

    labels = {
      team = "platform"
    }
  }
}

output "cluster_endpoint" {
  value     = google_container_cluster.primary.endpoint
  sensitive = true
}
`,
  },
};

const aks = {
  id: 'aks-cluster',
  title: 'Azure Kubernetes Service',
  description: 'A resource group and an AKS cluster with a system-assigned identity and a default node pool.',
  files: {
    'main.tf': `provider "azurerm" {
  features {}
}

variable "location" {
  type    = string
  default = "westeurope"
}

resource "azurerm_resource_group" "aks" {
  name     = "rg-playground-aks"
  location = var.location
}

resource "azurerm_kubernetes_cluster" "main" {
  name                = "aks-playground"
  location            = azurerm_resource_group.aks.location
  resource_group_name = azurerm_resource_group.aks.name
  dns_prefix          = "playground"

  default_node_pool {
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D2s_v3"
  }

  identity {
    type = "SystemAssigned"
  }

  tags = {
    environment = "demo"
  }
}

output "kube_config" {
  value     = azurerm_kubernetes_cluster.main.kube_config_raw
  sensitive = true
}
`,
  },
};

const k8s = {
  id: 'k8s-deployment',
  title: 'Kubernetes deployment and service',
  description: 'A namespace, an nginx deployment with three replicas and a load-balanced service in front of it.',
  files: {
    'main.tf': `variable "replicas" {
  type    = number
  default = 3
}

locals {
  labels = {
    app = "nginx"
  }
}

resource "kubernetes_namespace" "web" {
  metadata {
    name = "web"
  }
}

resource "kubernetes_deployment" "nginx" {
  metadata {
    name      = "nginx"
    namespace = kubernetes_namespace.web.metadata[0].name
    labels    = local.labels
  }

  spec {
    replicas = var.replicas

    selector {
      match_labels = local.labels
    }

    template {
      metadata {
        labels = local.labels
      }

      spec {
        container {
          name  = "nginx"
          image = "nginx:1.27"

          port {
            container_port = 80
          }
        }
      }
    }
  }
}

resource "kubernetes_service" "nginx" {
  metadata {
    name      = "nginx"
    namespace = kubernetes_namespace.web.metadata[0].name
  }

  spec {
    selector = local.labels
    type     = "LoadBalancer"

    port {
      port        = 80
      target_port = 80
    }
  }
}

output "service_name" {
  value = kubernetes_service.nginx.metadata[0].name
}
`,
  },
};

const metaArguments = {
  id: 'meta-arguments',
  title: 'count, for_each and dynamic',
  description: 'The meta-arguments side by side: count over a list, for_each over a map and a dynamic block.',
  files: {
    'main.tf': `variable "buckets" {
  type = map(object({
    versioning = bool
  }))
  default = {
    logs    = { versioning = false }
    backups = { versioning = true }
  }
}

variable "ingress_ports" {
  type    = list(number)
  default = [80, 443, 8080]
}

resource "random_pet" "suffix" {
  count  = 3
  length = 1
}

resource "aws_s3_bucket" "each" {
  for_each = var.buckets
  bucket   = "\${each.key}-\${random_pet.suffix[0].id}"

  tags = {
    Versioned = tostring(each.value.versioning)
  }
}

resource "aws_security_group" "web" {
  name = "web"

  dynamic "ingress" {
    for_each = var.ingress_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

output "bucket_names" {
  value = [for b in aws_s3_bucket.each : b.bucket]
}

output "pet_names" {
  value = random_pet.suffix[*].id
}
`,
  },
};

const errors = {
  id: 'deliberate-errors',
  title: 'Deliberate errors',
  description: 'What the diagnostics look like: undeclared references, an unknown provider and a syntax error. Click one to jump to it.',
  files: {
    'main.tf': `resource "aws_s3_bucket" "logs" {
  bucket = "logs-\${var.environment}"
}

output "bucket" {
  value = aws_s3_bucket.missing.bucket
}

resource "acme_widget" "gadget" {
  size = upper(local.widget_size)
}
`,
    'broken.tf': `resource "aws_s3_bucket" "broken" {
  bucket = "oops"
  acl    =
}
`,
  },
};

/** Every built-in example, in gallery order. */
export const GALLERY = [hello, vpc, staticSite, lambdaApi, gke, aks, k8s, metaArguments, errors];

/** The tabs of a first visit. */
export const DEFAULT_IDS = ['aws-vpc', 's3-static-site', 'k8s-deployment', 'random-pet'];

/** Examples as the converter takes them ({ id, files }); the e2e tests reuse some. */
export const SAMPLES = GALLERY.map(({ id, files }) => ({ id, files }));

/** The text of a new, empty example. */
export const NEW_EXAMPLE_TEXT = `resource "random_id" "suffix" {
  byte_length = 4
}

output "suffix" {
  value = random_id.suffix.hex
}
`;

/**
 * The stampede: examples that together need many providers, so that a cold cache sees the same
 * providers requested by every worker at once.
 */
export const STAMPEDE_IDS = ['aws-vpc', 'gke-cluster', 'aks-cluster', 'k8s-deployment', 'random-pet'];
