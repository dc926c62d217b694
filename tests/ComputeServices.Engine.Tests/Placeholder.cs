namespace ComputeServices.Tests { }
