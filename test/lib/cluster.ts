// The netns cluster harness lives in src/lab (hactl demo uses it too).
export * from '../../src/lab/lab-cluster.js'
