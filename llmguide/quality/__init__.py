"""Task quality: from sourced benchmark evidence to one comparable number per model and task.

``scale`` puts every benchmark of a task on the task's scale through the models that have both;
``task`` judges one model on the best rung of the task's ladder it has evidence on (or estimates
it, with its uncertainty); ``quant`` says how much of that quality a quantization keeps.
"""
