# Patch the disk image a Packer build produced, so the VM reboots by itself after a kernel panic
# on Azure. The manifest post-processor records the build's files; kdumpbake reads them from it
# (--packer-manifest), patches them in place, verifies them, and fails the build if it cannot.
#
#   CHECKPOINT_DISABLE=1 packer build -var image=golden/centos-7.9.vhd kdumpbake.pkr.hcl
#
# In your own template keep your builder (qemu, ...) and add the two post-processors.

variable "image" {
  type        = string
  description = "The disk image (VHD, raw or qcow2) the stand-in builder copies into output/."
}

variable "output_name" {
  type        = string
  default     = "golden.vhd"
  description = "Its name in output/; keep the extension of its format."
}

variable "kdumpbake" {
  type    = string
  default = "kdumpbake"
}

variable "report_dir" {
  type    = string
  default = "kdumpbake-report"
}

# Stands in for the builder that makes your image: copies an existing image into output/, as a
# qemu builder writes its disk there.
source "file" "golden" {
  source = var.image
  target = "output/${var.output_name}"
}

build {
  sources = ["source.file.golden"]

  post-processors {
    post-processor "manifest" {
      output = "packer-manifest.json"
    }
    post-processor "shell-local" {
      environment_vars = ["KDUMPBAKE=${var.kdumpbake}", "REPORT_DIR=${var.report_dir}"]
      inline = [
        "\"$KDUMPBAKE\" patch --in-place --packer-manifest packer-manifest.json --packer-build golden --report \"$REPORT_DIR\"",
      ]
    }
  }
}
