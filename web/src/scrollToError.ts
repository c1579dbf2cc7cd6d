import { nextTick } from 'vue'

/** Bring the first field with an error into view. */
export async function scrollToFirstError() {
  await nextTick()
  document.querySelector('.el-form-item.is-error, .el-alert--error')?.scrollIntoView({ block: 'center', behavior: 'smooth' })
}
