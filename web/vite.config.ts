/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The API runs on the same origin in production (the keyproj binary embeds web/dist).
// In development, /api is proxied to a keyproj server started by hand, e.g.
//   keyproj serve --demo --addr 127.0.0.1:8099 --database sqlite:/tmp/webdev.sqlite
const apiTarget = process.env.KEYPROJ_API ?? 'http://127.0.0.1:8099'

export default defineConfig(({ command }) => ({
  base: '/',
  plugins: [
    vue(),
    // Element Plus components and the v-loading directive are imported on demand, with their CSS.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      // The declarations are committed; only the dev server rewrites them. A production build
      // must not touch src/, or cargo's build script would see a change and rebuild every time.
      dts: command === 'serve' ? 'src/components.d.ts' : false,
    }),
  ],
  define: {
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/maplibre-gl')) return 'maplibre'
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
}))
